package org.rationale.model;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.security.Access;
import org.rationale.security.Role;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.web.RequestText;
import org.rationale.web.UploadLimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;

/** The models of a project over REST: upload a TorchScript model, list the versions. */
@Path("/api/projects/{projectId}/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models")
@Authenticated
public class ProjectModelResource {

    @Inject
    Access access;

    private final ModelService models;
    private final ProjectService projects;
    private final UploadLimit uploadLimit;
    private final PredictionService predictions;

    ProjectModelResource(ModelService models, ProjectService projects, UploadLimit uploadLimit,
                         PredictionService predictions) {
        this.models = models;
        this.projects = projects;
        this.uploadLimit = uploadLimit;
        this.predictions = predictions;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a TorchScript model",
            description = "Parts: 'model' (traced TorchScript), optional 'features' + 'classifier' (the same network "
                    + "traced in two parts, enables CAM methods), and 'spec' (JSON: name, channels, height, width, "
                    + "scale, mean, std, classes, and optionally fit and interpolation). Images of another size "
                    + "than height x width reach the model by 'fit': center-crop (default: scaled to cover the "
                    + "grid, the centre kept), resize (stretched) or pad (scaled to fit inside, the rest the mean "
                    + "colour); 'interpolation' is bilinear (default) or nearest. A gray image reaches a 3-channel "
                    + "model as three equal channels, an RGB image a 1-channel model as its luma. 'classes' lists "
                    + "the project's classes in order (and may go on with more). The model is loaded and run "
                    + "before anything is stored: a file that is not TorchScript, an input it cannot take, "
                    + "outputs of the wrong shape, outputs that depend on the batch (traced in train mode) or "
                    + "a split that is not the same network are a 422 with the reason. "
                    + "On a tabular project (modality tabular) 'spec' is {name, features, classes, mean, std}: features "
                    + "lists the model's input columns in order (a numeric or boolean column by its name, boolean "
                    + "as 1/0; a categorical column's one-hot columns as column=category), mean and std one per "
                    + "feature (the platform feeds the model (v - mean) / std); the model takes N×F float32 and "
                    + "answers N×classes. Features are checked against the project's table columns (400 naming the "
                    + "ones that are not there), the model by a forward pass on rows of that width (422 saying what "
                    + "it answered). The answer's heldOut gives the model's accuracy on up to 200 images or 1,000 "
                    + "rows drawn across the test split (validation, then training, without one) beside the commonest "
                    + "class's share there "
                    + "(majorityShare): near or below it, the spec likely differs from what the model was trained "
                    + "with (scale, mean, std; the features' order); ?heldOut=false skips it (a large model on CPU: "
                    + "a forward pass per sample). "
                    + "A request larger than "
                    + "rationale.upload.max-size is a 413 naming the limit, and nothing is stored.")
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    public Response upload(@PathParam("projectId") long projectId, @RestForm String spec,
                           @RestForm("model") FileUpload model, @RestForm("features") FileUpload features,
                           @RestForm("classifier") FileUpload classifier, @RestQuery String heldOut) {
        RequestText.requireFormField("spec", spec);
        boolean measure = heldOut == null || "true".equals(heldOut);
        if (!measure && !"false".equals(heldOut)) {
            throw new Invalid("Invalid heldOut", "heldOut is true (the default: measure the model's accuracy on "
                    + "held-out samples) or false (skip it)");
        }
        access.requireProject(projectId);
        uploadLimit.require(model, features, classifier);
        if (model == null) {
            throw new Invalid("Missing model file", "Send the TorchScript file as the multipart part 'model'");
        }
        Project project = projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        ModelVersion v;
        if (project.modality == Modality.TABULAR) {
            if (features != null || classifier != null) {
                throw new Invalid("Model split on a tabular project", "A tabular model is uploaded whole, as the "
                        + "part 'model'; 'features' and 'classifier' are for image models (Grad-CAM)");
            }
            v = models.uploadTabular(projectId, TabularSpec.parse(spec), read(model));
        } else {
            v = models.upload(projectId, ModelService.parseSpec(spec), read(model), read(features), read(classifier));
        }
        return Response.created(URI.create("/api/models/" + v.id))
                .entity(ModelSummary.of(v).withHeldOut(measure ? predictions.heldOutAccuracyOrNone(v) : null)).build();
    }

    @GET
    @Operation(summary = "List the model versions of a project")
    public List<ModelSummary> list(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        return models.list(projectId).stream().map(ModelSummary::of).toList();
    }

    /** A choice of the project's current version: {@code modelId} names a version of the project. */
    public record CurrentChoice(Long modelId) {
    }

    @GET
    @Path("/current")
    @Operation(summary = "The project's current version: the one reviewed, ranked and reported by default",
            description = "A new upload or training becomes current; a feedback round's version only when it is not "
                    + "worse than its parent on the test split; an engineer may choose any version (PUT).")
    public ModelSummary current(@PathParam("projectId") long projectId) {
        access.requireProject(projectId);
        projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        return models.current(projectId).map(ModelSummary::of)
                .orElseThrow(() -> new NotFound("No model yet", "Upload or train a model of project " + projectId));
    }

    @PUT
    @Path("/current")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
    @Operation(summary = "Choose the project's current version: {modelId}; recorded in the audit trail",
            description = "A version of another project or an unknown one is a 400 and changes nothing.")
    public ModelSummary choose(@PathParam("projectId") long projectId, CurrentChoice body) {
        access.requireProject(projectId);
        projects.find(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
        if (body == null) {
            throw new Invalid("Missing body", "Send {\"modelId\": n} naming a version of project " + projectId);
        }
        return ModelSummary.of(models.choose(projectId, body.modelId(), access.caller().username(),
                "chosen by " + access.caller().username()));
    }

    private static byte[] read(FileUpload f) {
        if (f == null) {
            return null;
        }
        try {
            return Files.readAllBytes(f.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
