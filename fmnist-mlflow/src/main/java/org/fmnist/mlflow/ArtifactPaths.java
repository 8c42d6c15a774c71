package org.fmnist.mlflow;

import java.util.regex.Pattern;

/** Artifact paths are relative and stay inside the run: no "..", no leading "/", no backslashes. */
final class ArtifactPaths {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private ArtifactPaths() {}

    static String checked(String path) {
        if (path == null || !SAFE.matcher(path).matches() || path.equals("..") || path.startsWith("../")
                || path.contains("/../") || path.endsWith("/..") || path.equals(".") || path.contains("/./")) {
            throw new IllegalArgumentException("refusing artifact path '" + path
                    + "': it must be relative, inside the run, made of letters, digits, '.', '_', '-' and '/'");
        }
        return path;
    }
}
