package org.rationale.demo;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is DOWN while the demo project is being seeded, so "ready" means the demo is there. */
@Readiness
@ApplicationScoped
public class DemoReadiness implements HealthCheck {

    private final DemoSeeder seeder;

    DemoReadiness(DemoSeeder seeder) {
        this.seeder = seeder;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("demo-project").status(!seeder.seeding()).withData("state", seeder.state()).build();
    }
}
