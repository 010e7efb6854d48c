package org.rationale.ui.model;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.shared.Registration;

/**
 * A page that follows one background job (a training, a sanity check): it polls once a second
 * while the job runs and stops polling when the job ends or the page is left.
 */
abstract class JobFollowingPage extends VerticalLayout {

    /** The job followed, or null. */
    protected Long jobId;
    private Registration polling;

    /** Shows the job's state now; called on each poll while {@link #jobId} is set. */
    protected abstract void followJob();

    /** Starts or stops polling. */
    protected void setPolling(boolean on) {
        getUI().ifPresent(ui -> ui.setPollInterval(on ? 1000 : -1));
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        polling = attachEvent.getUI().addPollListener(e -> {
            if (jobId != null) {
                followJob();
            }
        });
        if (jobId != null) {
            setPolling(true);
        }
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        if (polling != null) {
            polling.remove();
        }
        detachEvent.getUI().setPollInterval(-1);
    }
}
