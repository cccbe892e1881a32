package io.trainyard.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real datasets Debian installs (DESIGN.md §3), turned into the inputs the service accepts. */
final class TestData {

    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path SKLEARN = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");

    private TestData() {
    }

    static Path fashion(String file) {
        return FASHION.resolve(file);
    }

    /**
     * sklearn's CSVs start with "n_samples,n_features,class names..." instead of a header; the rows follow, the
     * class index last. This writes the same rows under a normal header {@code f0..f<F-1>,<label>}, with the label
     * written as the class name when {@code classNames} is true.
     */
    static String sklearnCsv(String file, String labelColumn, boolean classNames) {
        try {
            List<String> lines = Files.readAllLines(SKLEARN.resolve(file));
            String[] first = lines.get(0).split(",");
            int features = Integer.parseInt(first[1]);
            StringBuilder out = new StringBuilder();
            List<String> header = new ArrayList<>();
            for (int i = 0; i < features; i++) {
                header.add("f" + i);
            }
            header.add(labelColumn);
            out.append(String.join(",", header)).append('\n');
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                if (classNames) {
                    int comma = line.lastIndexOf(',');
                    int index = Integer.parseInt(line.substring(comma + 1).trim());
                    line = line.substring(0, comma + 1) + first[2 + index];
                }
                out.append(line).append('\n');
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
