package org.rationale.security;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link Role} as its lower-case name in a text column ({@code users.role}). */
@Converter(autoApply = true)
public class RoleColumn implements AttributeConverter<Role, String> {

    @Override
    public String convertToDatabaseColumn(Role role) {
        return role == null ? null : role.value();
    }

    @Override
    public Role convertToEntityAttribute(String value) {
        return value == null ? null : Role.of(value)
                .orElseThrow(() -> new IllegalStateException("Unknown role '" + value + "' in the database"));
    }
}
