package io.trainyard.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/spec.md shows every example file verbatim and documents every layer type: the docs cannot drift. */
class SpecDocsTest {

    @Test
    void docsShowEveryExampleAndLayerType() throws Exception {
        String docs = Files.readString(Path.of("docs/spec.md"));
        for (String name : SpecExamples.names()) {
            assertThat(docs).as(name).contains(SpecExamples.json(name).strip());
        }
        for (String type : LayerSpec.TYPES) {
            assertThat(docs).contains("`" + type + "`");
        }
    }
}
