package io.trainyard.inference;

import io.trainyard.datasets.DatasetUsers;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Batch predictions that have not ended read their dataset; finished ones keep only its id (no foreign key). */
@Component
@Order(2)
class BatchPredictionDatasetUse implements DatasetUsers {

    private final JdbcClient jdbc;

    BatchPredictionDatasetUse(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<String> blocksDeletion(UUID datasetId) {
        List<UUID> predictions = jdbc.sql("SELECT id FROM batch_predictions WHERE dataset_id = :id "
                        + "AND state IN ('QUEUED', 'RUNNING') ORDER BY created_at")
                .param("id", datasetId)
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list();
        return predictions.isEmpty() ? Optional.empty() : Optional.of("is being read by " + predictions.size()
                + " batch prediction(s) " + predictions + "; delete it once they have finished.");
    }
}
