package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the labels allow, so a training spec can pick its task: class names with counts (classification) and/or
 * target statistics (regression). Integer-valued numeric labels give both; the spec's task chooses. A dataset
 * without labels (an NPY/NPZ upload without {@code y}) has neither and suits only autoencoders.
 *
 * @param labelColumn the CSV column the labels came from, else null
 * @param classes     one entry per class index, in index order; null when the labels are not classes
 * @param target      statistics of numeric labels; null for text labels
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskHints(String labelColumn, List<ClassCount> classes, TargetStats target) {

    public record ClassCount(int index, String name, long count) {
    }

    public record TargetStats(double mean, double std, double min, double max) {
    }

    static final TaskHints UNLABELLED = new TaskHints(null, null, null);

    public boolean labelled() {
        return classes != null || target != null;
    }
}
