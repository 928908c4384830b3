package com.idp.push.pushlog;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import tools.jackson.databind.json.JsonMapper;

/**
 * Stores attempt-log records ({@code idp.push.attempts}) as {@code push_logs} rows. A batch goes in one
 * statement batch; if the database refuses it because of some row's data, the rows are stored one by
 * one and the ones refused are set aside in {@code sink_rejects}. Unreadable records are set aside too.
 */
final class AttemptLogWriter implements BatchWriter {

    private final AttemptRecordReader reader;
    private final PushLogStore store;
    private final SinkRejects rejects;

    AttemptLogWriter(JsonMapper json, PushLogStore store, SinkRejects rejects) {
        this.reader = new AttemptRecordReader(json);
        this.store = store;
        this.rejects = rejects;
    }

    @Override
    public void write(List<ConsumerRecord<byte[], byte[]>> batch) {
        List<AttemptRow> rows = new ArrayList<>(batch.size());
        List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>(batch.size());
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            try {
                rows.add(reader.read(record.value()));
                sources.add(record);
            } catch (RuntimeException e) {
                rejects.reject(record, "unreadable attempt record: " + e.getMessage());
            }
        }
        try {
            store.insert(rows);
        } catch (RuntimeException e) {
            if (!Sql.isDataError(e)) {
                throw e;
            }
            for (int i = 0; i < rows.size(); i++) {
                insertAlone(rows.get(i), sources.get(i));
            }
        }
    }

    private void insertAlone(AttemptRow row, ConsumerRecord<byte[], byte[]> source) {
        try {
            store.insert(List.of(row));
        } catch (RuntimeException e) {
            if (!Sql.isDataError(e)) {
                throw e;
            }
            rejects.reject(source, "refused by the database: " + e.getMessage());
        }
    }
}
