package com.athena.common.bigquery;

import java.io.Serializable;
import java.util.Map;

/**
 * Turns one stream element into one row of a BigQuery table, as the jobs' {@link StorageWriteSink}
 * writes it (and the benchmark's {@code insertAll} {@link BigQuerySink}).
 *
 * <p>Values must already be in BigQuery's JSON form: see {@link BigQueryValues}.
 *
 * @param <T> the element type
 */
public interface BigQueryRowMapper<T> extends Serializable {

    /** The table (in the sink's dataset) the element's row goes to. */
    String table(T element);

    /**
     * The row's id: a pure function of the element's identity. The Storage Write sink uses it as
     * the origin of the row's dead letter if BigQuery rejects the row; {@code insertAll} sends it
     * as the insert id (BigQuery's best-effort de-duplication). At most 128 characters.
     */
    String insertId(T element);

    /** Column name to JSON value; a null value is written as SQL NULL. */
    Map<String, Object> row(T element);
}
