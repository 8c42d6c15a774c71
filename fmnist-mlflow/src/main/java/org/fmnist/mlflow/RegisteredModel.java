package org.fmnist.mlflow;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.fmnist.core.model.ModelSource;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecProblem;

/**
 * A model in MLflow's registry, named as MLflow names them: {@code models:/NAME/VERSION} or
 * {@code models:/NAME@ALIAS}.
 */
record RegisteredModel(String name, String versionOrAlias, boolean isAlias) {
    static final String SCHEME = "models:/";

    static RegisteredModel parse(String uri) {
        String rest = uri.substring(SCHEME.length());
        int at = rest.lastIndexOf('@');
        int slash = rest.lastIndexOf('/');
        if (at > 0 && at < rest.length() - 1) {
            return new RegisteredModel(rest.substring(0, at), rest.substring(at + 1), true);
        }
        if (slash > 0 && slash < rest.length() - 1) {
            return new RegisteredModel(rest.substring(0, slash), rest.substring(slash + 1), false);
        }
        throw new SpecException(new SpecProblem("command-line option --model", "", "'" + uri + "' names no version",
                "write models:/NAME/VERSION or models:/NAME@ALIAS"));
    }

    /** Downloads the {@code model.zip} of the run the version came from (its source is the ONNX model) to {@code zip}. */
    void download(URI trackingUri, Map<String, String> environment, Path zip) throws IOException {
        URI uri = LocalMlflowUi.server(trackingUri, environment).orElseThrow(() -> new SpecException(new SpecProblem(
                "command-line option --model", "", "names a registered model, but no MLflow server is given",
                "start one with ./runner ui, or give --tracking-uri http://HOST:PORT (or set MLFLOW_TRACKING_URI)")));
        try (MlflowServer server = new MlflowServer(uri, MlflowServer.Credentials.fromEnvironment(environment),
                MlflowServer.Limits.DEFAULT)) {
            MlflowServer.ModelVersion version = server.modelVersion(name, versionOrAlias, isAlias);
            server.download(server.run(version.runId()).getInfo().getArtifactUri() + "/model.zip", zip);
        }
    }

    /** {@code predict --model models:/...}: MLflow's registry as a {@link ModelSource}. */
    static final class Source implements ModelSource {
        @Override
        public boolean accepts(String reference) {
            return reference.startsWith(SCHEME);
        }

        @Override
        public void fetch(String reference, URI server, Map<String, String> environment, Path zip) throws IOException {
            parse(reference).download(server, environment, zip);
        }
    }
}
