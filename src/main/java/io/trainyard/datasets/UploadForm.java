package io.trainyard.datasets;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The upload form as OpenAPI documents it. The controller reads the multipart request itself (to reject
 * unknown fields), so this record only describes the fields for /v3/api-docs and Swagger UI.
 */
@Schema(name = "DatasetUpload", description = "multipart/form-data fields of a dataset upload")
record UploadForm(
        @Schema(type = "string", format = "binary", description = "The data file: CSV with a header row, an .npz "
                + "archive (x, optional y and mask) or an .npy array (x)") String file,
        @Schema(type = "string", format = "binary", description = "IDX only: the images file (magic 0x803), "
                + "plain or gzip'd") String images,
        @Schema(type = "string", format = "binary", description = "IDX: the labels file (magic 0x801); NPY: "
                + "optional labels array y of shape [N] or [N, 1]") String labels,
        @Schema(description = "Dataset name (default: the file name without extension)", maxLength = 200)
        String name,
        @Schema(description = "File format; inferred from the file name when absent",
                allowableValues = {"csv", "idx", "npz", "npy"}) String format,
        @Schema(description = "CSV only, required: the label column") String label,
        @Schema(description = "CSV only: feature columns, comma-separated (default: all but the label)")
        String features,
        @Schema(description = "NPY/NPZ with 3-D x only: 'image' for [N, H, W] (default) or 'sequence' for "
                + "[N, T, F]; a mask array implies sequence", allowableValues = {"image", "sequence"})
        String layout) {
}
