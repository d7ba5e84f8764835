package io.github.blurdm.runtime.cuda;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated device's process ({@code emu_device.cpp}) and its request/reply protocol over stdin
 * and stdout (framing described there). Its stderr is drained on a daemon thread: kernel
 * {@code printf} output is logged, and the last lines explain a process that died (a kernel fault
 * leaves a line starting {@code EMU-FATAL:}). A dead device stays dead, as a GPU context after a
 * fault: every later request fails with the first cause. Not thread-safe.
 */
final class EmulatorProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatorProcess.class);
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    static final int HELLO = 1;
    static final int LOAD = 2;
    static final int FUNCTION = 3;
    static final int MALLOC = 4;
    static final int FREE = 5;
    static final int MEMSET = 6;
    static final int HTOD = 7;
    static final int DTOH = 8;
    static final int LAUNCH = 9;
    static final int MEMINFO = 10;
    static final int QUIT = 11;

    static final int OK = 0;
    static final int OUT_OF_MEMORY = 2;

    /** A reply: its status and payload. */
    record Reply(int status, ByteBuffer payload) {
        String message() {
            return StandardCharsets.UTF_8.decode(payload.duplicate()).toString();
        }
    }

    private final Process process;
    private final OutputStream in;
    private final InputStream out;
    private final ArrayDeque<String> lastErrors = new ArrayDeque<>();
    private final Thread drain;
    private String deadBecause;

    EmulatorProcess(Path exe, int workers, long seed, long memoryBytes) {
        try {
            process = new ProcessBuilder(List.of(exe.toString(), "--workers", Integer.toString(workers), "--seed",
                    Long.toUnsignedString(seed), "--memory", Long.toString(memoryBytes))).start();
        } catch (IOException e) {
            throw new CudaException("cannot start the emulated device " + exe + ": " + e.getMessage(), e);
        }
        in = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        out = new BufferedInputStream(process.getInputStream(), 1 << 16);
        drain = new Thread(this::drainErrors, "blurdm-emulator-stderr");
        drain.setDaemon(true);
        drain.start();
    }

    private void drainErrors() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lastErrors) {
                    lastErrors.addLast(line);
                    if (lastErrors.size() > 20) {
                        lastErrors.removeFirst();
                    }
                }
                if (line.startsWith("EMU-FATAL:")) {
                    LOG.error("{}", line);
                } else {
                    LOG.info("emulated device: {}", line);
                }
            }
        } catch (IOException e) {
            // the process is gone; what it said so far is kept
        }
    }

    /** Whether the process died (a kernel fault): every request fails from then on. */
    boolean dead() {
        return deadBecause != null;
    }

    /** Sends one request and waits for its reply; throws {@link CudaException} when the device died. */
    Reply call(int op, ByteBuffer payload) {
        if (deadBecause != null) {
            throw new CudaException("the emulated device died earlier: " + deadBecause);
        }
        try {
            int n = payload == null ? 0 : payload.remaining();
            ByteBuffer head = ByteBuffer.allocate(8).order(ORDER).putInt(op).putInt(n);
            in.write(head.array());
            if (n > 0) {
                if (payload.hasArray()) {
                    in.write(payload.array(), payload.arrayOffset() + payload.position(), n);
                } else {
                    byte[] b = new byte[n];
                    payload.duplicate().get(b);
                    in.write(b);
                }
            }
            in.flush();
            byte[] h = out.readNBytes(8);
            if (h.length < 8) {
                throw died(null);
            }
            ByteBuffer hb = ByteBuffer.wrap(h).order(ORDER);
            int status = hb.getInt();
            int len = hb.getInt();
            byte[] body = out.readNBytes(len);
            if (body.length < len) {
                throw died(null);
            }
            return new Reply(status, ByteBuffer.wrap(body).order(ORDER));
        } catch (IOException e) {
            throw died(e);
        }
    }

    /** {@link #call} that throws {@link CudaException} with the device's message unless the reply is OK. */
    ByteBuffer ok(int op, ByteBuffer payload) {
        Reply r = call(op, payload);
        if (r.status() != OK) {
            throw new CudaException(r.message());
        }
        return r.payload();
    }

    private CudaException died(IOException cause) {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            drain.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StringBuilder why = new StringBuilder();
        String fatal = null;
        synchronized (lastErrors) {
            for (String l : lastErrors) {
                if (l.startsWith("EMU-FATAL:")) {
                    fatal = l.substring("EMU-FATAL:".length()).trim();
                }
                why.append("\n  ").append(l);
            }
        }
        String exit = process.isAlive() ? "still running but not answering" : "exited with code " + process.exitValue();
        deadBecause = (fatal != null ? fatal : "the process " + exit) + (why.length() == 0 ? "" : "; its last words:" + why);
        return new CudaException("the emulated device died: " + deadBecause, cause);
    }

    @Override
    public void close() {
        if (deadBecause == null && process.isAlive()) {
            try {
                call(QUIT, null);
            } catch (CudaException e) {
                // dying on the way out is fine
            }
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
