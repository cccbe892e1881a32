package io.trainyard.datasets;

import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.multipart.MultipartFile;

/**
 * An upload request checked for consistency before any byte is stored: the format (given or inferred from the
 * file name), which files it needs, and which options apply to it. Every problem is reported at once.
 *
 * @param files the files to store, main file first ({@code file} or {@code images}), then {@code labels}
 */
record UploadPlan(String name, DatasetFormat format, String label, List<String> features,
        ArrayDatasets.Layout layout, Map<String, MultipartFile> files) {

    static UploadPlan of(UploadRequest request) {
        List<Violation> problems = new ArrayList<>();
        Map<String, MultipartFile> given = request.files();
        MultipartFile file = given.get("file");
        MultipartFile images = given.get("images");
        MultipartFile labels = given.get("labels");
        DatasetFormat format = format(request.format(), file, images, problems);
        Map<String, MultipartFile> files = new LinkedHashMap<>();
        if (format == DatasetFormat.IDX) {
            if (file != null) {
                problems.add(Violation.at("file", "IDX takes two files: send them as 'images' and 'labels'"));
            }
            require("images", images, "the IDX images file (e.g. train-images-idx3-ubyte.gz)", files, problems);
            require("labels", labels, "the IDX labels file (e.g. train-labels-idx1-ubyte.gz)", files, problems);
        } else if (format != null) {
            if (images != null) {
                problems.add(Violation.at("images", "only IDX uploads take 'images'; send the " + format.id()
                        + " file as 'file'"));
            }
            require("file", file, "the " + format.id() + " file", files, problems);
            if (labels != null) {
                if (format == DatasetFormat.NPY) {
                    files.put("labels", labels);
                } else {
                    problems.add(Violation.at("labels", format == DatasetFormat.CSV
                            ? "CSV labels are a column of the file: name it with 'label'"
                            : "an .npz archive carries its labels as the array 'y'"));
                }
            }
        }
        if (format != null && format != DatasetFormat.CSV) {
            if (present(request.label())) {
                problems.add(Violation.at("label", "only CSV uploads take a label column"));
            }
            if (request.features() != null && !request.features().isEmpty()) {
                problems.add(Violation.at("features", "only CSV uploads take a feature column list"));
            }
        }
        ArrayDatasets.Layout layout = layout(request.layout(), format, problems);
        String name = name(request.name(), files, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new UploadPlan(name, format, request.label(), request.features(), layout, files);
    }

    private static DatasetFormat format(String given, MultipartFile file, MultipartFile images,
            List<Violation> problems) {
        if (present(given)) {
            DatasetFormat format = DatasetFormat.fromId(given).orElse(null);
            if (format == null) {
                problems.add(Violation.at("format", "must be one of csv, idx, npz, npy; got '" + given + "'"));
            }
            return format;
        }
        if (images != null) {
            return DatasetFormat.IDX;
        }
        if (file == null) {
            problems.add(Violation.at("file", "required: the dataset file (or 'images' and 'labels' for IDX)"));
            return null;
        }
        DatasetFormat format = DatasetFormat.fromFileName(file.getOriginalFilename()).orElse(null);
        if (format == null) {
            problems.add(Violation.at("format", "cannot tell the format from the file name '"
                    + file.getOriginalFilename() + "'; send format=csv, idx, npz or npy"));
        }
        return format;
    }

    private static void require(String field, MultipartFile part, String what, Map<String, MultipartFile> files,
            List<Violation> problems) {
        if (part == null) {
            problems.add(Violation.at(field, "required: " + what));
        } else {
            files.put(field, part);
        }
    }

    private static ArrayDatasets.Layout layout(String given, DatasetFormat format, List<Violation> problems) {
        if (!present(given)) {
            return null;
        }
        if (format == DatasetFormat.CSV || format == DatasetFormat.IDX) {
            problems.add(Violation.at("layout", "only NPY/NPZ uploads take a layout"));
            return null;
        }
        return switch (given.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "image" -> ArrayDatasets.Layout.IMAGE;
            case "sequence" -> ArrayDatasets.Layout.SEQUENCE;
            default -> {
                problems.add(Violation.at("layout", "must be 'image' ([N, H, W] single-channel images) or "
                        + "'sequence' ([N, T, F]); got '" + given + "'"));
                yield null;
            }
        };
    }

    private static String name(String given, Map<String, MultipartFile> files, List<Violation> problems) {
        String name = given == null ? "" : given.trim();
        if (name.isEmpty() && !files.isEmpty()) {
            String fileName = files.values().iterator().next().getOriginalFilename();
            name = fileName == null ? "" : fileName.replaceAll("^.*[/\\\\]", "").replaceAll("\\.(gz)$", "")
                    .replaceAll("\\.[A-Za-z0-9]+$", "");
        }
        if (name.isEmpty() && !files.isEmpty()) {
            problems.add(Violation.at("name", "required: a name for the dataset"));
        }
        if (name.length() > 200) {
            problems.add(Violation.at("name", "at most 200 characters; got " + name.length()));
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            problems.add(Violation.at("name", "must be printable text: no control characters (NUL, tab, newline)"));
        }
        return name;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
