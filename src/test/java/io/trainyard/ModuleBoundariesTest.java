package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module structure of DESIGN.md §2, checked on the sources: which module may use which (an acyclic graph:
 * downstream modules listen to upstream events instead of being called), and only {@code engine} touches DL4J,
 * ND4J or JavaCPP.
 */
class ModuleBoundariesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/trainyard");

    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("system", Set.of()),
            Map.entry("security", Set.of()),
            Map.entry("storage", Set.of()),
            Map.entry("spec", Set.of("system")),
            Map.entry("engine", Set.of("spec", "system")),
            Map.entry("datasets", Set.of("storage", "system", "security")),
            Map.entry("jobs", Set.of("system", "security")),
            Map.entry("checkpoints", Set.of("jobs", "storage", "system", "security")),
            Map.entry("models", Set.of("datasets", "engine", "storage", "system", "security")),
            Map.entry("inference", Set.of("datasets", "engine", "models", "storage", "system", "security")),
            Map.entry("training", Set.of("checkpoints", "datasets", "engine", "jobs", "models", "spec", "storage",
                    "system", "security")));

    private static final Pattern IMPORT = Pattern.compile("^import (static )?io\\.trainyard\\.([a-z]+)\\.",
            Pattern.MULTILINE);
    private static final Pattern NATIVE = Pattern.compile("^import (static )?org\\.(deeplearning4j|nd4j|bytedeco)\\.",
            Pattern.MULTILINE);

    @Test
    void modulesUseOnlyTheModulesTheyMayAndOnlyEngineTouchesDl4j() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // the application class
                }
                String module = relative.getName(0).toString();
                assertThat(ALLOWED).as("module %s is not in the table", module).containsKey(module);
                String source = Files.readString(file);
                Matcher imports = IMPORT.matcher(source);
                while (imports.find()) {
                    String used = imports.group(2);
                    if (!used.equals(module) && !ALLOWED.get(module).contains(used)) {
                        violations.add(relative + " uses " + used);
                    }
                }
                if (!module.equals("engine") && NATIVE.matcher(source).find()) {
                    violations.add(relative + " imports DL4J/ND4J/JavaCPP; only engine may");
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
