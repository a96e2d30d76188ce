package io.tierlift.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code backend.requirements} as pip's {@code -r} reads it. A requirements file is taken as it
 * is; a {@code pyproject.toml} gives the lines of its {@code [project].dependencies}, one
 * requirement a line, so every installer (the on-prem wheelhouse, the Lambda package, the EC2 boot
 * script) reads one form.
 */
public final class RequirementsFile {
    public static final String PYPROJECT = "pyproject.toml";

    private RequirementsFile() {
    }

    public static boolean isPyproject(String requirements) {
        Path name = Path.of(requirements).getFileName();
        return name != null && name.toString().equals(PYPROJECT);
    }

    /** The requirements in requirements-file form; a pyproject without readable dependencies fails naming its line. */
    public static byte[] read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseException("backend.requirements: cannot read " + file + " (" + e.getMessage() + ")");
        }
        return asRequirements(file, bytes);
    }

    /** {@code content} of {@code file} in requirements-file form. */
    public static byte[] asRequirements(Path file, byte[] content) {
        if (!isPyproject(file.toString())) {
            return content;
        }
        try {
            PyprojectDependencies.Found found = PyprojectDependencies.read(new String(content, StandardCharsets.UTF_8));
            StringBuilder lines = new StringBuilder("# [project].dependencies of " + file.getFileName() + "\n");
            found.requirements().forEach(r -> lines.append(r).append('\n'));
            return lines.toString().getBytes(StandardCharsets.UTF_8);
        } catch (PyprojectDependencies.Problem e) {
            throw new ReleaseException("backend.requirements: " + file + (e.line() > 0 ? ":" + e.line() : "") + " " + e.getMessage());
        }
    }
}
