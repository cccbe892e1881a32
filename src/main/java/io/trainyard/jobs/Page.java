package io.trainyard.jobs;

import java.util.List;

/** One page of a list; {@code nextCursor} is null on the last page. */
record Page<T>(List<T> items, String nextCursor) {
}
