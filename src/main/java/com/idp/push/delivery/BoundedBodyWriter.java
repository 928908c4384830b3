package com.idp.push.delivery;

import java.io.Writer;
import java.util.Arrays;

/**
 * Where one render writes: encodes to UTF-8 as characters arrive and throws {@link RenderLimitException} as
 * soon as the body would pass its byte cap, so a template over a huge array stops at the cap instead of
 * building the whole text first. It also carries the render's section-iteration budget, because the writer
 * is the one object the engine hands to every code of one render. Unpaired surrogates become {@code ?},
 * as {@link String#getBytes} does. Not thread-safe: one per render.
 */
final class BoundedBodyWriter extends Writer {

    private final TemplateLimits limits;
    private byte[] bytes;
    private int size;
    private int iterations;
    private char pendingHighSurrogate;

    BoundedBodyWriter(TemplateLimits limits, int expectedSize) {
        this.limits = limits;
        this.bytes = new byte[Math.min(Math.max(16, expectedSize), limits.maxBodyBytes())];
    }

    /** Called once per section iteration, before the section's body runs. */
    void countIteration() {
        if (++iterations > limits.maxSectionIterations()) {
            throw new RenderLimitException("rendering needs more than " + limits.maxSectionIterations()
                    + " section iterations (" + TemplateLimits.MAX_SECTION_ITERATIONS + "): the event's arrays are too"
                    + " large for this template; iterate over smaller arrays, avoid sections inside sections,"
                    + " or raise " + TemplateLimits.MAX_SECTION_ITERATIONS);
        }
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            write(chars[i]);
        }
    }

    @Override
    public void write(String text, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            write(text.charAt(i));
        }
    }

    @Override
    public void write(int c) {
        write((char) c);
    }

    private void write(char c) {
        if (pendingHighSurrogate != 0) {
            char high = pendingHighSurrogate;
            pendingHighSurrogate = 0;
            if (Character.isLowSurrogate(c)) {
                int codePoint = Character.toCodePoint(high, c);
                ensureRoom(4);
                bytes[size++] = (byte) (0xF0 | (codePoint >> 18));
                bytes[size++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                bytes[size++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (codePoint & 0x3F));
                return;
            }
            writeByte('?');
        }
        if (c < 0x80) {
            writeByte(c);
        } else if (c < 0x800) {
            ensureRoom(2);
            bytes[size++] = (byte) (0xC0 | (c >> 6));
            bytes[size++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            pendingHighSurrogate = c;
        } else if (Character.isLowSurrogate(c)) {
            writeByte('?');
        } else {
            ensureRoom(3);
            bytes[size++] = (byte) (0xE0 | (c >> 12));
            bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            bytes[size++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    private void writeByte(int b) {
        ensureRoom(1);
        bytes[size++] = (byte) b;
    }

    private void ensureRoom(int more) {
        int needed = size + more;
        if (needed > limits.maxBodyBytes()) {
            throw new RenderLimitException("the rendered body is larger than " + limits.maxBodyBytes() + " bytes ("
                    + TemplateLimits.MAX_BODY_BYTES + "): the template prints more of the event than fits, e.g. a"
                    + " section over a large array; print fewer fields, or raise " + TemplateLimits.MAX_BODY_BYTES);
        }
        if (needed > bytes.length) {
            // Grow by doubling, but never past the cap: the buffer is what bounds the render's memory.
            int capacity = (int) Math.min(Math.max((long) bytes.length * 2, needed), limits.maxBodyBytes());
            bytes = Arrays.copyOf(bytes, capacity);
        }
    }

    /** The body written so far, as UTF-8 bytes (a dangling high surrogate as {@code ?}). */
    byte[] toByteArray() {
        if (pendingHighSurrogate != 0) {
            pendingHighSurrogate = 0;
            writeByte('?');
        }
        return Arrays.copyOf(bytes, size);
    }

    /** Bytes of buffer held, for tests that check a render never holds more than its cap. */
    int capacity() {
        return bytes.length;
    }

    int iterations() {
        return iterations;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
