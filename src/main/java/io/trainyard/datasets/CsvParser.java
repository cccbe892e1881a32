package io.trainyard.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * CSV with a header row: numeric feature columns and one label column, which may hold numbers (classes
 * or regression targets) or text (class names). Reads the stream once, row by row.
 */
final class CsvParser {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setTrim(true)
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            // Repeated names are refused by parse's own check, whose message is Commons CSV's advice to its caller.
            .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
            .setAllowMissingColumnNames(false)
            .get();

    private CsvParser() {
    }

    static Parsed parse(InputStream source, String labelColumn, List<String> featureColumns, int maxClasses)
            throws IOException {
        InputStream in = skipBom(new BufferedInputStream(source, 1 << 16));
        in.mark(1);
        if (in.read() < 0) {
            throw new BadDataException("file", "the file is empty; send a CSV file with a header row and data rows");
        }
        in.reset();
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        CSVParser parser;
        try {
            parser = FORMAT.parse(reader);
        } catch (IllegalArgumentException | CSVException e) {
            throw new BadDataException("file", "line 1 (header): " + e.getMessage());
        }
        try (parser) {
            List<String> header = parser.getHeaderNames();
            uniqueNames(header);
            int labelIndex = labelIndex(header, labelColumn);
            int[] featureIndex = featureIndexes(header, labelIndex, featureColumns);
            FloatList features = new FloatList();
            Map<String, Integer> labelIds = new HashMap<>();
            List<String> distinctLabels = new ArrayList<>();
            int[] rowLabels = new int[1024];
            int rows = 0;
            long line = parser.getCurrentLineNumber() + 1;
            try {
                for (CSVRecord record : parser) {
                    if (record.size() != header.size()) {
                        throw new BadDataException("file", "line " + line + ": expected " + header.size()
                                + " values (one per header column), found " + record.size());
                    }
                    if ((long) features.size() + featureIndex.length > FloatList.MAX_SIZE) {
                        throw new BadDataException("file", "line " + line + ": too many values for one dataset "
                                + "(at most " + FloatList.MAX_SIZE + "); split the file");
                    }
                    for (int c : featureIndex) {
                        features.add(number(record.get(c), line, header.get(c)));
                    }
                    String label = record.get(labelIndex);
                    if (label.isEmpty()) {
                        throw new BadDataException("file", "line " + line + ", column '" + header.get(labelIndex)
                                + "': the label is empty; every row needs one");
                    }
                    Integer id = labelIds.computeIfAbsent(label, l -> {
                        distinctLabels.add(l);
                        return distinctLabels.size() - 1;
                    });
                    if (rows == rowLabels.length) {
                        rowLabels = java.util.Arrays.copyOf(rowLabels, rows * 2);
                    }
                    rowLabels[rows++] = id;
                    line = parser.getCurrentLineNumber() + 1;
                }
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof CSVException bad) {
                    throw new BadDataException("file", "near line " + line + ": malformed CSV: " + bad.getMessage());
                }
                throw e.getCause();
            }
            if (rows == 0) {
                throw new BadDataException("file", "the file has a header row but no data rows");
            }
            List<String> names = featureNames(header, featureIndex);
            InputShape shape = new InputShape(InputShape.Kind.FEATURES, List.of(featureIndex.length), names);
            Labels labels = labels(distinctLabels, rowLabels, rows, maxClasses, header.get(labelIndex));
            return new Parsed(shape, rows, features.toArray(), null, labels, null);
        }
    }

    private static void uniqueNames(List<String> header) {
        Set<String> seen = new HashSet<>();
        for (String name : header) {
            if (!seen.add(name)) {
                throw new BadDataException("file", "line 1 (header): column '" + name + "' appears more than once; "
                        + "column names must be unique");
            }
        }
    }

    private static int labelIndex(List<String> header, String labelColumn) {
        if (labelColumn == null || labelColumn.isBlank()) {
            throw new BadDataException("label", "required for CSV: name the label column; available columns: "
                    + header);
        }
        int index = header.indexOf(labelColumn.trim());
        if (index < 0) {
            throw new BadDataException("label", "column '" + labelColumn.trim()
                    + "' is not in the header; available columns: " + header);
        }
        return index;
    }

    private static int[] featureIndexes(List<String> header, int labelIndex, List<String> featureColumns) {
        if (featureColumns == null || featureColumns.isEmpty()) {
            int[] all = new int[header.size() - 1];
            for (int c = 0, n = 0; c < header.size(); c++) {
                if (c != labelIndex) {
                    all[n++] = c;
                }
            }
            if (all.length == 0) {
                throw new BadDataException("file", "the file has only the label column; feature columns are needed");
            }
            return all;
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>(featureColumns);
        if (unique.size() != featureColumns.size()) {
            throw new BadDataException("features", "names a column more than once: " + featureColumns);
        }
        int[] indexes = new int[featureColumns.size()];
        for (int i = 0; i < indexes.length; i++) {
            String name = featureColumns.get(i);
            indexes[i] = header.indexOf(name);
            if (indexes[i] < 0) {
                throw new BadDataException("features", "column '" + name + "' is not in the header; available "
                        + "columns: " + header);
            }
            if (indexes[i] == labelIndex) {
                throw new BadDataException("features", "column '" + name + "' is the label column; it cannot also "
                        + "be a feature");
            }
        }
        return indexes;
    }

    private static float number(String value, long line, String column) {
        if (value.isEmpty()) {
            throw new BadDataException("file", "line " + line + ", column '" + column
                    + "': empty value; missing values are not supported, fill or drop the row");
        }
        Float f = parse(value);
        if (f == null) {
            throw new BadDataException("file", "line " + line + ", column '" + column + "': '" + abbreviate(value)
                    + "' is not a number; feature columns must be numeric");
        }
        if (!Float.isFinite(f)) {
            throw new BadDataException("file", "line " + line + ", column '" + column + "': '" + abbreviate(value)
                    + "' is not a finite number");
        }
        return f;
    }

    /**
     * The number a cell spells, or null. Java's parse also reads "1f", "2d" and hex floats ("0x1p3"), which no CSV
     * writer means as numbers, so only decimal notation goes to it, and the words it has for NaN and the infinities
     * (refused afterwards as not finite).
     */
    private static Float parse(String value) {
        if (!decimal(value) && !value.equals("NaN") && !value.endsWith("Infinity")) {
            return null;
        }
        try {
            return Float.parseFloat(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Only the characters of a decimal number: digits, a sign, a point, an exponent. */
    private static boolean decimal(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return false;
            }
        }
        return true;
    }

    private static Labels labels(List<String> distinct, int[] rowIds, int rows, int maxClasses, String column) {
        float[] numeric = new float[distinct.size()];
        boolean allNumbers = true;
        for (int i = 0; i < numeric.length && allNumbers; i++) {
            try {
                numeric[i] = Float.parseFloat(distinct.get(i));
                allNumbers = Float.isFinite(numeric[i]);
            } catch (NumberFormatException e) {
                allNumbers = false;
            }
        }
        if (allNumbers) {
            float[] values = new float[rows];
            for (int r = 0; r < rows; r++) {
                values[r] = numeric[rowIds[r]];
            }
            return Labels.ofNumbers(values, maxClasses);
        }
        String[] values = new String[rows];
        for (int r = 0; r < rows; r++) {
            values[r] = distinct.get(rowIds[r]);
        }
        return Labels.ofText(values, maxClasses, "label", "column '" + column + "'");
    }

    private static List<String> featureNames(List<String> header, int[] indexes) {
        List<String> names = new ArrayList<>(indexes.length);
        for (int i : indexes) {
            names.add(header.get(i));
        }
        return names;
    }

    private static InputStream skipBom(BufferedInputStream in) throws IOException {
        in.mark(3);
        byte[] head = in.readNBytes(3);
        if (!(head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF)) {
            in.reset();
        }
        return in;
    }

    static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }
}
