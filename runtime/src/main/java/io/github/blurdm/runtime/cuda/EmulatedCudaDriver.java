package io.github.blurdm.runtime.cuda;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated device behind the {@link CudaDriver} seam: kernels are the project's {@code .cu}
 * files compiled by g++ ({@link EmulatorToolchain}) and run by a helper process on the CPU
 * ({@link EmulatorProcess}, {@code emu_device.cpp}), which executes each block's threads
 * concurrently as fibers, poisons shared and device memory with NaN, checks guard zones after
 * every launch and runs blocks in a seeded shuffled order. Every call is synchronous, so a failing
 * launch throws at that launch. For correctness only: its timings say nothing about a GPU.
 *
 * <p>Settings: {@code -Dblurdm.emu.workers=N} OS threads running blocks (default: the available
 * processors), {@code -Dblurdm.emu.seed=S} the block and thread order (default 1; failures print
 * it), {@code -Dblurdm.emu.memory=BYTES} the device's memory (default 4 GiB).
 */
final class EmulatedCudaDriver implements CudaDriver {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedCudaDriver.class);
    private static final int CHUNK_BYTES = 16 << 20;

    /** A device address: a pointer in the device process. */
    record Ptr(long address) implements DevicePointer {
        @Override
        public DevicePointer withByteOffset(long bytes) {
            return new Ptr(address + bytes);
        }
    }

    private record Function(int id) implements Kernel {
    }

    private final EmulatorToolchain toolchain;
    private final EmulatorProcess process;
    private final CudaSupport.DeviceInfo info;
    private final long seed;
    private final Map<String, Integer> modules = new HashMap<>();
    private final Map<String, Function> functions = new HashMap<>();
    private long compiled;
    private long diskHits;
    private boolean closed;

    private EmulatedCudaDriver(EmulatorToolchain toolchain, EmulatorProcess process, int workers, long seed, long memory) {
        this.toolchain = toolchain;
        this.process = process;
        this.seed = seed;
        this.info = new CudaSupport.DeviceInfo(0, "emulated device (" + toolchain.compilerName() + ", " + workers
                + " CPU thread" + (workers == 1 ? "" : "s") + ", seed " + seed + ")", 8, 0, memory, workers);
    }

    /** Builds (or finds in the cache) and starts the emulated device; CudaException saying why it cannot. */
    static EmulatedCudaDriver start() {
        EmulatorToolchain t = EmulatorToolchain.open();
        int workers = Integer.getInteger("blurdm.emu.workers", Runtime.getRuntime().availableProcessors());
        long seed = Long.getLong("blurdm.emu.seed", 1L);
        long memory = Long.getLong("blurdm.emu.memory", 4L << 30);
        if (workers < 1 || memory < 1) {
            throw new IllegalArgumentException("-Dblurdm.emu.workers and -Dblurdm.emu.memory must be positive, got "
                    + workers + " and " + memory);
        }
        EmulatorProcess p = new EmulatorProcess(t.device(), workers, seed, memory);
        try {
            ByteBuffer hello = p.ok(EmulatorProcess.HELLO, null);
            int abi = hello.getInt();
            if (abi != 1) {
                throw new CudaException("the emulated device speaks ABI " + abi + ", this runtime 1");
            }
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        EmulatedCudaDriver d = new EmulatedCudaDriver(t, p, workers, seed, memory);
        LOG.info("using the emulated CUDA device ({}; cache {}): correctness only, slow", d.info.name(), t.dir());
        return d;
    }

    private static long address(DevicePointer p) {
        return ((Ptr) p).address();
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(EmulatorProcess.ORDER);
    }

    @Override
    public CudaSupport.DeviceInfo info() {
        return info;
    }

    @Override
    public void bind() {
        if (closed) {
            throw new IllegalStateException("the emulated CUDA device is closed");
        }
    }

    @Override
    public DevicePointer malloc(long bytes) {
        EmulatorProcess.Reply r = process.call(EmulatorProcess.MALLOC, buffer(8).putLong(bytes).flip());
        if (r.status() == EmulatorProcess.OUT_OF_MEMORY) {
            return null;
        }
        if (r.status() != EmulatorProcess.OK) {
            throw new CudaException(r.message());
        }
        return new Ptr(r.payload().getLong());
    }

    @Override
    public void free(DevicePointer p) {
        process.ok(EmulatorProcess.FREE, buffer(8).putLong(address(p)).flip());
    }

    @Override
    public boolean exactAllocations() {
        return true;
    }

    @Override
    public void memsetD32(DevicePointer p, int bits, long count) {
        process.ok(EmulatorProcess.MEMSET, buffer(20).putLong(address(p)).putInt(bits).putLong(count).flip());
    }

    @Override
    public void upload(float[] src, int n, DevicePointer dst) {
        int per = CHUNK_BYTES / 4;
        for (int off = 0; off < n; off += per) {
            int len = Math.min(per, n - off);
            ByteBuffer b = buffer(8 + len * 4).putLong(address(dst) + (long) off * 4);
            b.asFloatBuffer().put(src, off, len);
            process.ok(EmulatorProcess.HTOD, b.position(0).limit(8 + len * 4));
        }
    }

    @Override
    public void download(DevicePointer src, int n, float[] dst) {
        int per = CHUNK_BYTES / 4;
        for (int off = 0; off < n; off += per) {
            int len = Math.min(per, n - off);
            ByteBuffer r = process.ok(EmulatorProcess.DTOH,
                    buffer(16).putLong(address(src) + (long) off * 4).putLong((long) len * 4).flip());
            r.asFloatBuffer().get(dst, off, len);
        }
    }

    @Override
    public Kernel kernel(String file, List<String> defines, String entry) {
        return kernel(file, null, defines, entry);
    }

    /** {@link #kernel} of a source given as text, not from the kernels module (the emulator's own tests). */
    Kernel kernelFromSource(String file, String source, List<String> defines, String entry) {
        return kernel(file, source, defines, entry);
    }

    private Kernel kernel(String file, String source, List<String> defines, String entry) {
        String mkey = file + " " + String.join(" ", defines);
        String fkey = mkey + " :: " + entry;
        Function f = functions.get(fkey);
        if (f != null) {
            return f;
        }
        Integer module = modules.get(mkey);
        if (module == null) {
            boolean[] built = new boolean[1];
            Path so = source == null ? toolchain.module(file, defines, built)
                    : toolchain.module(file, source, defines, built);
            if (built[0]) {
                compiled++;
            } else {
                diskHits++;
            }
            module = process.ok(EmulatorProcess.LOAD, ByteBuffer.wrap(so.toString().getBytes(StandardCharsets.UTF_8)))
                    .getInt();
            modules.put(mkey, module);
        }
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        ByteBuffer req = buffer(4 + name.length).putInt(module).put(name).flip();
        EmulatorProcess.Reply r = process.call(EmulatorProcess.FUNCTION, req);
        if (r.status() != EmulatorProcess.OK) {
            throw new CudaException(r.message() + " (compiled with " + defines + ")");
        }
        f = new Function(r.payload().getInt());
        functions.put(fkey, f);
        return f;
    }

    @Override
    public void launch(Kernel k, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, Object[] args) {
        ByteBuffer b = buffer(36 + args.length * 10);
        b.putInt(((Function) k).id()).putInt(gx).putInt(gy).putInt(gz).putInt(bx).putInt(by).putInt(bz)
                .putInt(sharedBytes).putInt(args.length);
        for (Object a : args) {
            if (a == null) {
                b.put((byte) 'p').put((byte) 8).putLong(0);
            } else if (a instanceof DevicePointer p) {
                b.put((byte) 'p').put((byte) 8).putLong(address(p));
            } else if (a instanceof Integer v) {
                b.put((byte) 'i').put((byte) 4).putInt(v);
            } else if (a instanceof Long v) {
                b.put((byte) 'l').put((byte) 8).putLong(v);
            } else if (a instanceof Float v) {
                b.put((byte) 'f').put((byte) 4).putFloat(v);
            } else {
                throw new IllegalArgumentException("unsupported kernel argument " + a.getClass());
            }
        }
        try {
            process.ok(EmulatorProcess.LAUNCH, b.flip());
        } catch (CudaException e) {
            throw new CudaException(e.getMessage() + " [emulator seed " + seed + "]", e.getCause());
        }
    }

    /** Launches and copies finish before they return: nothing to wait for. */
    @Override
    public void synchronize() {
        bind();
    }

    /** Wall-clock time of the emulation: says nothing about a GPU. */
    @Override
    public float timeMillis(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6f;
    }

    @Override
    public MemoryInfo memoryInfo() {
        ByteBuffer r = process.ok(EmulatorProcess.MEMINFO, null);
        long used = r.getLong();
        long limit = r.getLong();
        return new MemoryInfo(limit - used, limit);
    }

    @Override
    public CudaBackend.CacheStats cacheStats() {
        return new CudaBackend.CacheStats(toolchain.compilerName() + " (emulated sm_80)", modules.size(), compiled,
                diskHits, toolchain.dir());
    }

    @Override
    public boolean lost() {
        return process.dead();
    }

    /** Stops the device process (its memory goes with it). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            process.close();
        }
    }
}
