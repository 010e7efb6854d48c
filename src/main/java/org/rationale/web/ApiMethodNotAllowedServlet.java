package org.rationale.web;

import org.rationale.config.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Answers the API requests that the REST layer passes on to the servlets: a path the API serves,
 * asked with a method it does not serve there (a GET of a POST-only call). Unknown paths are answered
 * by {@link UnknownApiPathResource}. Without this servlet such a request reached the UI's servlet and
 * got its HTML page with a 200 — never an API answer.
 */
@WebServlet(urlPatterns = "/api/*")
public class ApiMethodNotAllowedServlet extends HttpServlet {

    private static final ObjectMapper JSON = Json.MAPPER;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(405);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        String method = request.getMethod() == null ? "" : request.getMethod();
        String shown = method.length() <= 16 && method.chars().allMatch(Character::isLetter) ? method : "This method";
        response.getWriter().write(JSON.writeValueAsString(new ApiError("Method not allowed",
                shown + " is not served at this path; see /q/openapi for the methods it takes")));
    }
}
