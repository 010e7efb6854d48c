package org.rationale.web;

import org.rationale.error.DomainError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;

/**
 * Applies {@link ControlCharacters} to the decoded path and query parameters before a resource runs:
 * a control character there is a 400 naming the parameter. Form fields are read after request
 * filters, so resources that take text fields call {@link #requireFormField}.
 */
public class RequestText {

    @ServerRequestFilter
    public void refuseControlCharacters(ContainerRequestContext ctx) {
        check("path parameter", ctx.getUriInfo().getPathParameters(), false);
        check("query parameter", ctx.getUriInfo().getQueryParameters(), false);
    }

    private static void check(String kind, MultivaluedMap<String, String> params, boolean freeText) {
        for (var e : params.entrySet()) {
            refuse("a parameter name", null, e.getKey(), false);
            for (String v : e.getValue() == null ? List.<String>of() : e.getValue()) {
                refuse(kind, e.getKey(), v, freeText);
            }
        }
    }

    /** A 400 when a form's text field holds a control character (resources call it: forms are read after filters). */
    public static void requireFormField(String field, String value) {
        refuse("form field", field, value, ControlCharacters.freeText(field));
    }

    private static void refuse(String kind, String field, String value, boolean freeText) {
        DomainError e = ControlCharacters.refusal(kind, field, value, freeText);
        if (e != null) {
            throw e;
        }
    }
}
