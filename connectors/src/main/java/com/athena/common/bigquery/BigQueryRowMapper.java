package com.athena.common.bigquery;

import java.io.Serializable;
import java.util.Map;

/**
 * Turns one stream element into one row of a BigQuery table, as {@link BigQuerySink} streams it
 * with {@code tabledata.insertAll}.
 *
 * <p>Values must already be in the JSON form {@code insertAll} expects: see {@link BigQueryValues}.
 *
 * @param <T> the element type
 */
public interface BigQueryRowMapper<T> extends Serializable {

    /** The table (in the sink's dataset) the element's row goes to. */
    String table(T element);

    /**
     * The row's insert id: a pure function of the element's identity, so that a replay after a
     * failure sends the same id and BigQuery's best-effort de-duplication drops the copy. At most
     * 128 characters.
     */
    String insertId(T element);

    /** Column name to JSON value; a null value is written as SQL NULL. */
    Map<String, Object> row(T element);
}
