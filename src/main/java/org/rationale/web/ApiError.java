package org.rationale.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of every error the API returns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String detail) {
}
