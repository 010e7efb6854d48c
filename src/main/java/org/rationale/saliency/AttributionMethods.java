package org.rationale.saliency;

import org.rationale.error.Invalid;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of attribution methods by API name. */
@ApplicationScoped
public class AttributionMethods {

    private final Map<String, AttributionMethod> byName = new LinkedHashMap<>();

    public AttributionMethods() {
        for (AttributionMethod m : List.of(new VanillaGradient(), new GradientTimesInput(), new SmoothGrad(),
                new IntegratedGradients(), GradCam.gradCam(), GradCam.gradCamPlusPlus(), new GuidedBackprop(),
                new Occlusion(), new Rise(), new KernelShap(), new ShapleySampling())) {
            byName.put(m.name(), m);
        }
    }

    public List<AttributionMethod> all() {
        return List.copyOf(byName.values());
    }

    /** The method of that name, or a 400 that lists the known names. */
    public AttributionMethod get(String name) {
        AttributionMethod m = name == null ? null : byName.get(name);
        if (m == null) {
            throw new Invalid("Unknown method '" + name + "'", "Known methods: " + String.join(", ", byName.keySet()));
        }
        return m;
    }
}
