package com.athena.common.flink;

import com.athena.common.connectors.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a text file as {@link RawRecord}s whose origin is {@code file:line}, skipping the header
 * line (CSV) or not (JSON lines), so that a replay can report bad rows by line number. Blank lines
 * are skipped. Files are not split, which keeps the numbering exact.
 */
public final class NumberedLinesFormat extends SimpleStreamFormat<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final String fileLabel;
    private final boolean hasHeader;

    /**
     * A file whose first line is a header.
     *
     * @param fileLabel how the file is named in origins and messages
     */
    public NumberedLinesFormat(String fileLabel) {
        this(fileLabel, true);
    }

    /**
     * @param fileLabel how the file is named in origins and messages
     * @param hasHeader whether the first line is a header to skip
     */
    public NumberedLinesFormat(String fileLabel, boolean hasHeader) {
        this.fileLabel = fileLabel;
        this.hasHeader = hasHeader;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(
            Configuration config, FSDataInputStream stream) {
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        return new StreamFormat.Reader<>() {
            private long line;

            @Override
            public RawRecord read() throws IOException {
                String text;
                do {
                    text = reader.readLine();
                    if (text == null) {
                        return null;
                    }
                    line++;
                } while ((hasHeader && line == 1) || text.isBlank());
                return new RawRecord(text, fileLabel + ":" + line, 0L);
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
