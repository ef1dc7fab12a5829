package com.athena.common.connectors;

import java.sql.SQLException;

/**
 * Tells a row the database refuses for its content from an outage. A content error (SQLState class
 * 22, data exception: numeric overflow, a string too long, a timestamp out of range; class 23,
 * integrity constraint violation: NOT NULL, CHECK, foreign key) fails the same way on every retry,
 * so retrying or failing over would only loop; the row becomes a dead letter. Everything else
 * (class 08 connection exceptions, timeouts, a database shutting down, and bugs such as a missing
 * column) still fails the batch, to be retried and then failed over.
 */
public final class JdbcErrors {
    /** The dead-letter source of rows a JDBC sink's database refused. */
    public static final String DEAD_LETTER_SOURCE = "jdbc-rejected-rows";

    private JdbcErrors() {}

    /** Whether the failure, or one it chains, is a data exception or a constraint violation. */
    public static boolean isContentError(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (contentState(s.getSQLState())) {
                return true;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return false;
    }

    private static boolean contentState(String state) {
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The database's reason, with the SQLState, from the most specific chained exception. */
    public static String reason(SQLException e) {
        SQLException specific = e;
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (contentState(s.getSQLState())) {
                specific = s;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return "refused by the database (SQLState "
                + specific.getSQLState()
                + "): "
                + specific.getMessage();
    }
}
