package com.idp.push.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

/**
 * A raw-socket "webhook endpoint" that misbehaves in one chosen way, on 127.0.0.1. Raw sockets because
 * a real HTTP server library would refuse to send most of these answers (a reset, malformed status
 * lines, a body that trickles, headers that never end). Counts connections, requests read and response
 * bytes it managed to write, so a test can prove e.g. that a 1 GiB body was not downloaded.
 */
public final class HostileServer implements AutoCloseable {

    /** How the server (mis)behaves once it has read a request. */
    public enum Behaviour {
        /** Never answers; holds the connection until the client gives up. */
        HANG,
        /** Promises a 100-byte body and sends one byte a second. */
        TRICKLE_BODY,
        /** Sends the status line and then one header byte a second, never finishing the headers. */
        SLOW_HEADERS,
        /** 200 with Content-Length of 1 GiB, written as fast as the client takes it. */
        GIGABYTE_BODY,
        /** 200 with a chunked body that never ends. */
        ENDLESS_CHUNKED_BODY,
        /** 302 to itself. */
        REDIRECT_LOOP,
        /** Resets the connection (TCP RST) instead of answering. */
        RESET,
        /** Closes the connection without a byte. */
        EMPTY_REPLY,
        /** Answers with bytes that are not HTTP. */
        MALFORMED,
        /** 200 promising 100 bytes, sends 3, closes. */
        TRUNCATED_BODY,
        /** 200 with a single header line of 1 MiB. */
        HUGE_HEADER,
        /** 410 Gone. */
        GONE,
        /** 200, properly; the control case (also behind TLS). */
        OK
    }

    private static final long GIBIBYTE = 1L << 30;

    private final ServerSocket socket;
    private final Behaviour behaviour;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();

    private HostileServer(ServerSocket socket, Behaviour behaviour) {
        this.socket = socket;
        this.behaviour = behaviour;
        this.acceptor = new Thread(this::accept, "hostile-" + behaviour + "-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** A plain-HTTP server with this behaviour on an ephemeral loopback port. */
    public static HostileServer start(Behaviour behaviour) {
        try {
            return new HostileServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #start(Behaviour)}, behind TLS with the given server certificate. */
    public static HostileServer startTls(Behaviour behaviour, SSLContext tls) {
        try {
            return new HostileServer(tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                    behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        String scheme = socket instanceof javax.net.ssl.SSLServerSocket ? "https" : "http";
        return scheme + "://127.0.0.1:" + socket.getLocalPort() + path;
    }

    public int connections() {
        return connections.get();
    }

    /** Requests whose headers (and body) were read completely. */
    public int requests() {
        return requests.get();
    }

    /** Response bytes the client accepted (written into the socket) before it went away. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(HostileServer::closeQuietly);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                open.add(client);
                Thread handler = new Thread(() -> serve(client), "hostile-" + behaviour + "-" + connections.get());
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (readRequest(in)) {
                requests.incrementAndGet();
                if (!answer(client, out)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away (timeout, cap reached, TLS refused): that is the point of most behaviours
        } finally {
            open.remove(client);
        }
    }

    /** @return whether the connection may carry another request */
    private boolean answer(Socket client, OutputStream out) throws IOException, InterruptedException {
        switch (behaviour) {
            case HANG -> closed.await();
            case TRICKLE_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
                for (int i = 0; i < 100 && !closed.await(1, TimeUnit.SECONDS); i++) {
                    write(out, "x");
                }
            }
            case SLOW_HEADERS -> {
                write(out, "HTTP/1.1 200 OK\r\n");
                for (int i = 0; i < 600 && !closed.await(1, TimeUnit.SECONDS); i++) {
                    write(out, i == 0 ? "X-Slow: " : "a");
                }
            }
            case GIGABYTE_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + GIBIBYTE + "\r\n\r\n");
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) 'z');
                for (long sent = 0; sent < GIBIBYTE; sent += block.length) {
                    out.write(block);
                    bytesWritten.addAndGet(block.length);
                }
            }
            case ENDLESS_CHUNKED_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                String chunk = Integer.toHexString(8192) + "\r\n" + "c".repeat(8192) + "\r\n";
                for (long sent = 0; sent < GIBIBYTE; sent += 8192) {
                    write(out, chunk);
                }
            }
            case REDIRECT_LOOP -> {
                write(out, "HTTP/1.1 302 Found\r\nLocation: " + url("/loop") + "\r\nContent-Length: 0\r\n\r\n");
                return true;
            }
            case RESET -> client.setSoLinger(true, 0); // close() below then sends RST, not FIN
            case EMPTY_REPLY -> {
            }
            case MALFORMED -> write(out, "\u0000\u0001 THIS IS NOT HTTP \u00ff\r\nat all\r\n\r\n");
            case TRUNCATED_BODY -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
            case HUGE_HEADER -> write(out, "HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(1 << 20) + "\r\nContent-Length: 0\r\n\r\n");
            case GONE -> {
                write(out, "HTTP/1.1 410 Gone\r\nContent-Length: 4\r\n\r\ngone");
                return true;
            }
            case OK -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                return true;
            }
        }
        return false;
    }

    private void write(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        out.write(bytes);
        out.flush();
        bytesWritten.addAndGet(bytes.length);
    }

    /** Reads one request: headers, then a Content-Length or chunked body. False at end of stream. */
    private static boolean readRequest(InputStream in) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return false;
        }
        String lower = head.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("content-length:");
        if (at >= 0) {
            int end = lower.indexOf("\r\n", at);
            long length = Long.parseLong(lower.substring(at + 15, end).trim());
            in.readNBytes((int) length);
        } else if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                String size = readLine(in);
                int chunk = Integer.parseInt(size.trim(), 16);
                in.readNBytes(chunk + 2);
                if (chunk == 0) {
                    break;
                }
            }
        }
        return true;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
