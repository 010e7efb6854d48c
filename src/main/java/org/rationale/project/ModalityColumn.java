package org.rationale.project;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link Modality} as its API name ({@code images}, {@code tabular}), as the column's check expects. */
@Converter
public class ModalityColumn implements AttributeConverter<Modality, String> {

    @Override
    public String convertToDatabaseColumn(Modality m) {
        return m == null ? null : m.wireName();
    }

    @Override
    public Modality convertToEntityAttribute(String value) {
        return value == null ? null : Modality.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
