// emu_device.cpp: the emulated CUDA device, a helper process the JVM (EmulatedCudaDriver) drives
// over its stdin and stdout. It owns the device memory, loads kernel modules (the project's .cu
// files compiled by g++ with cuda_emu.h) and runs launches on a pool of worker threads, the blocks
// in a seeded shuffled order (emu_blocks.cpp runs each block's threads as fibers).
//
// Checks a GPU would not make, to turn silent bugs into named failures:
//   - every allocation is poisoned with NaN and wrapped in guard zones, checked after each
//     launch: a write out of bounds fails the launch naming the allocation and the arguments
//     that point into it (the zone is restored);
//   - pointer arguments must lie inside a live allocation; argument kinds and sizes must match the
//     kernel's parameters; block sizes must respect __launch_bounds__ and the GPU's limits;
//   - a fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL) while a kernel runs ends the process with a line
//     on stderr naming the kernel, block, thread and the address relative to the nearest allocation.
//
// Protocol (native byte order): request = u32 op, u32 length, payload; reply = u32 status
// (0 ok, 1 error, 2 out of memory), u32 length, payload (the message when status != 0).
//   HELLO    -> u32 abi, u32 workers, u64 memory limit
//   LOAD     path -> u32 module
//   FUNCTION u32 module, name -> u32 function
//   MALLOC   u64 bytes -> u64 address
//   FREE     u64 address
//   MEMSET   u64 address, u32 value, u64 count (32-bit words)
//   HTOD     u64 address, data
//   DTOH     u64 address, u64 bytes -> data
//   LAUNCH   u32 function, u32 grid[3], u32 block[3], u32 shared bytes, u32 count, then per
//            argument u8 kind ('p' pointer, 'i' int32, 'l' int64, 'f' float, 'd' double), u8 size, bytes
//   MEMINFO  -> u64 used, u64 limit
//   QUIT
#include "emu_internal.h"

#include <algorithm>
#include <condition_variable>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <map>
#include <memory>
#include <mutex>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

namespace {

enum Op : uint32_t { HELLO = 1, LOAD, FUNCTION, MALLOC, FREE, MEMSET, HTOD, DTOH, LAUNCH, MEMINFO, QUIT };
enum Status : uint32_t { OK = 0, ERROR = 1, OUT_OF_MEMORY = 2 };

constexpr size_t GUARD_BYTES = 4096;

int proto_in = 0;
int proto_out = 1;

// ------------------------------------------------------------------------------- protocol i/o

void read_exact(void* dst, size_t n) {
    char* p = static_cast<char*>(dst);
    while (n > 0) {
        ssize_t r = read(proto_in, p, n);
        if (r == 0) {
            _exit(0);   // the JVM went away
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("emulated device: read");
            _exit(73);
        }
        p += r;
        n -= (size_t) r;
    }
}

void write_exact(const void* src, size_t n) {
    const char* p = static_cast<const char*>(src);
    while (n > 0) {
        ssize_t r = write(proto_out, p, n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            _exit(0);
        }
        p += r;
        n -= (size_t) r;
    }
}

void reply(Status status, const void* payload, size_t n) {
    uint32_t head[2] = {status, (uint32_t) n};
    write_exact(head, sizeof head);
    write_exact(payload, n);
}

void reply_ok() {
    reply(OK, nullptr, 0);
}

void reply_error(const std::string& message, Status status = ERROR) {
    reply(status, message.data(), message.size());
}

struct Reader {
    const char* p;
    const char* end;
    template <class T>
    T get() {
        T v;
        if ((size_t) (end - p) < sizeof(T)) {
            throw std::string("malformed request: payload too short");
        }
        memcpy(&v, p, sizeof(T));
        p += sizeof(T);
        return v;
    }
    std::string rest() {
        std::string s(p, end);
        p = end;
        return s;
    }
};

std::string hex64(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "0x%llx", (unsigned long long) v);
    return b;
}

// ------------------------------------------------------------------------------- memory

struct Allocation {
    uint64_t id;
    char* map;         // the whole mapping: guard | payload | guard
    size_t map_bytes;
    char* payload;
    size_t bytes;
};

std::map<uintptr_t, Allocation> allocations;   // by payload address
uint64_t next_allocation_id = 1;
uint64_t used_bytes = 0;
uint64_t memory_limit = 8ull << 30;
unsigned char guard_pattern[GUARD_BYTES];

void fill32(char* dst, uint32_t value, size_t bytes) {
    size_t i = 0;
    for (; i + 4 <= bytes; i += 4) {
        memcpy(dst + i, &value, 4);
    }
    memcpy(dst + i, &value, bytes - i);
}

// The allocation whose payload contains [addr, addr + n), or null.
Allocation* find(uint64_t addr, uint64_t n) {
    auto it = allocations.upper_bound((uintptr_t) addr);
    if (it == allocations.begin()) {
        return nullptr;
    }
    --it;
    Allocation& a = it->second;
    uint64_t start = (uintptr_t) a.payload;
    if (addr >= start && addr + n <= start + a.bytes && addr + n >= addr) {
        return &a;
    }
    return nullptr;
}

std::string describe_range(uint64_t addr, uint64_t n) {
    auto it = allocations.upper_bound((uintptr_t) addr);
    std::string near;
    if (it != allocations.begin()) {
        auto prev = std::prev(it);
        uint64_t start = (uintptr_t) prev->second.payload;
        uint64_t end = start + prev->second.bytes;
        if (addr >= start && addr < end) {
            near = "; it starts inside allocation #" + std::to_string(prev->second.id) + " (" + std::to_string(prev->second.bytes)
                    + " bytes) and runs " + std::to_string(addr + n - end) + " bytes past its end";
        } else {
            near = "; " + std::to_string(addr - end) + " bytes after the end of allocation #" + std::to_string(prev->second.id)
                    + " (" + std::to_string(prev->second.bytes) + " bytes)";
        }
    }
    return "[" + hex64(addr) + ", +" + std::to_string(n) + " bytes) is not inside one live allocation" + near;
}

// ------------------------------------------------------------------------------- modules

struct Module {
    std::string path;
    void* handle;
    const emu_kernel_desc* kernels;
    int count;
    void* (*tls_anchor)();
    size_t tls_size;
};

struct Function {
    const Module* module;
    const emu_kernel_desc* desc;
};

std::vector<std::unique_ptr<Module>> modules;
std::vector<Function> functions;

struct TlsQuery {
    size_t modid;
    size_t size;
};

int find_tls(struct dl_phdr_info* info, size_t, void* data) {
    TlsQuery* q = static_cast<TlsQuery*>(data);
    if (info->dlpi_tls_modid != q->modid) {
        return 0;
    }
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type == PT_TLS) {
            q->size = info->dlpi_phdr[i].p_memsz;
        }
    }
    return 1;
}

uint32_t load_module(const std::string& path) {
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
        throw std::string("cannot load kernel module ") + path + ": " + dlerror();
    }
    auto abi = reinterpret_cast<int (*)()>(dlsym(h, "emu_module_abi"));
    auto list = reinterpret_cast<const emu_kernel_desc* (*)(int*)>(dlsym(h, "emu_module_kernels"));
    auto anchor = reinterpret_cast<void* (*)()>(dlsym(h, "emu_module_tls_anchor"));
    if (abi == nullptr || list == nullptr || anchor == nullptr) {
        throw std::string("kernel module ") + path + " lacks the emulator's entry points";
    }
    if (abi() != EMU_ABI_VERSION) {
        throw std::string("kernel module ") + path + " was built for emulator ABI " + std::to_string(abi());
    }
    auto m = std::make_unique<Module>();
    m->path = path;
    m->handle = h;
    m->kernels = list(&m->count);
    m->tls_anchor = anchor;
    size_t modid = 0;
    TlsQuery q{0, 0};
    if (dlinfo(h, RTLD_DI_TLS_MODID, &modid) == 0 && modid != 0) {
        q.modid = modid;
        dl_iterate_phdr(find_tls, &q);
    }
    m->tls_size = q.size;
    modules.push_back(std::move(m));
    return (uint32_t) modules.size() - 1;
}

// ------------------------------------------------------------------------------- workers

int worker_count = 1;
uint64_t base_seed = 2024;
uint64_t launch_counter = 0;

struct Pool {
    std::mutex mu;
    std::condition_variable start;
    std::condition_variable done;
    emu::Launch* launch = nullptr;
    uint64_t generation = 0;
    int running = 0;
    std::string error;
    std::vector<std::thread> threads;
} pool;

void alt_stack() {
    stack_t ss;
    ss.ss_sp = malloc(1 << 16);
    ss.ss_size = 1 << 16;
    ss.ss_flags = 0;
    sigaltstack(&ss, nullptr);
}

void worker_loop() {
    alt_stack();
    uint64_t seen = 0;
    for (;;) {
        emu::Launch* l;
        {
            std::unique_lock<std::mutex> lock(pool.mu);
            pool.start.wait(lock, [&] { return pool.generation != seen; });
            seen = pool.generation;
            l = pool.launch;
        }
        std::string err;
        bool ok = emu::run_blocks(*l, err);
        std::lock_guard<std::mutex> lock(pool.mu);
        if (!ok && pool.error.empty()) {
            pool.error = err;
        }
        if (--pool.running == 0) {
            pool.done.notify_all();
        }
    }
}

// Runs the launch on the main thread and every worker; the first failure, or empty.
std::string run(emu::Launch& l) {
    {
        std::lock_guard<std::mutex> lock(pool.mu);
        pool.launch = &l;
        pool.error.clear();
        pool.running = (int) pool.threads.size();
        pool.generation++;
    }
    pool.start.notify_all();
    std::string err;
    bool ok = emu::run_blocks(l, err);
    std::unique_lock<std::mutex> lock(pool.mu);
    pool.done.wait(lock, [] { return pool.running == 0; });
    if (!ok) {
        return err;
    }
    return pool.error;
}

// ------------------------------------------------------------------------------- faults

void append(char*& p, const char* end, const char* s) {
    while (*s && p < end) {
        *p++ = *s++;
    }
}

const emu::Launch* current_launch = nullptr;
const char* current_function = "";
const std::vector<uint64_t>* current_pointers = nullptr;        // the launch's pointer arguments
const std::vector<std::string>* current_pointer_names = nullptr;

// Appends " (argument 'x', 'y')" for the launch's pointer arguments into allocation a.
void append_arguments(char*& p, const char* end, const Allocation& a) {
    if (current_pointers == nullptr) {
        return;
    }
    bool any = false;
    for (size_t i = 0; i < current_pointers->size(); i++) {
        uint64_t v = (*current_pointers)[i];
        if (v >= (uintptr_t) a.payload && v <= (uintptr_t) a.payload + a.bytes) {
            append(p, end, any ? ", '" : " (the launch's argument '");
            append(p, end, (*current_pointer_names)[i].c_str());
            append(p, end, "'");
            any = true;
        }
    }
    if (any) {
        append(p, end, " points into it)");
    }
}

void on_fault(int sig, siginfo_t* info, void*) {
    static char buf[1024];
    char* p = buf;
    const char* end = buf + sizeof buf - 2;
    const char* name = sig == SIGSEGV ? "SIGSEGV (invalid memory access)" : sig == SIGBUS ? "SIGBUS"
            : sig == SIGFPE ? "SIGFPE (integer division by zero?)" : "SIGILL";
    char tmp[400];
    append(p, end, "EMU-FATAL: ");
    append(p, end, name);
    if (current_launch != nullptr) {
        const emu::Launch* l = current_launch;
        snprintf(tmp, sizeof tmp, " in kernel %s grid (%u,%u,%u) block (%u,%u,%u)", current_function, l->grid.x,
                 l->grid.y, l->grid.z, l->block.x, l->block.y, l->block.z);
        append(p, end, tmp);
        if (emu::describe_current(tmp, sizeof tmp)) {
            append(p, end, ", running ");
            append(p, end, tmp);
        }
    } else {
        append(p, end, " outside any kernel");
    }
    uint64_t addr = (uintptr_t) info->si_addr;
    snprintf(tmp, sizeof tmp, "; fault address 0x%llx", (unsigned long long) addr);
    append(p, end, tmp);
    if (sig == SIGSEGV || sig == SIGBUS) {
        auto it = allocations.upper_bound((uintptr_t) addr);
        if (it != allocations.begin()) {
            const Allocation& a = std::prev(it)->second;
            uint64_t stop = (uintptr_t) a.payload + a.bytes;
            snprintf(tmp, sizeof tmp, "; %llu bytes past the end of allocation #%llu of %llu bytes",
                     (unsigned long long) (addr - stop), (unsigned long long) a.id, (unsigned long long) a.bytes);
            append(p, end, tmp);
            append_arguments(p, end, a);
        }
        if (it != allocations.end()) {
            snprintf(tmp, sizeof tmp, "; %llu bytes before allocation #%llu",
                     (unsigned long long) ((uintptr_t) it->second.payload - addr), (unsigned long long) it->second.id);
            append(p, end, tmp);
            append_arguments(p, end, it->second);
        }
    }
    *p++ = '\n';
    ssize_t ignored = write(2, buf, (size_t) (p - buf));
    (void) ignored;
    _exit(86);
}

void install_fault_handlers() {
    alt_stack();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
        sigaction(s, &sa, nullptr);
    }
}

// ------------------------------------------------------------------------------- guard zones

// Checks (and restores) every allocation's guard zones; describes the first damaged one.
std::string check_guards(const emu::Launch& l, const std::vector<uint64_t>& pointer_args,
                         const std::vector<std::string>& names) {
    std::string report;
    for (auto& [addr, a] : allocations) {
        char* zones[2] = {a.map, a.payload + a.bytes};
        size_t sizes[2] = {(size_t) (a.payload - a.map), (size_t) (a.map + a.map_bytes - (a.payload + a.bytes))};
        for (int z = 0; z < 2; z++) {
            size_t first = SIZE_MAX;
            size_t last = 0;
            for (size_t off = 0; off < sizes[z]; off += GUARD_BYTES) {
                size_t n = std::min(GUARD_BYTES, sizes[z] - off);
                if (memcmp(zones[z] + off, guard_pattern, n) == 0) {
                    continue;
                }
                for (size_t i = 0; i < n; i++) {
                    if ((unsigned char) zones[z][off + i] != guard_pattern[i]) {
                        first = std::min(first, off + i);
                        last = off + i;
                    }
                }
                memcpy(zones[z] + off, guard_pattern, n);
            }
            if (first == SIZE_MAX || !report.empty()) {
                continue;
            }
            first &= ~(size_t) 3;   // whole floats: a NaN written there may share bytes with the pattern
            last |= 3;
            std::string who;
            for (size_t i = 0; i < pointer_args.size(); i++) {
                uint64_t p = pointer_args[i];
                if (p >= (uintptr_t) a.payload && p <= (uintptr_t) a.payload + a.bytes) {
                    who += (who.empty() ? "" : ", ") + std::string("'") + names[i] + "'";
                }
            }
            if (z == 1) {
                report = "wrote past the end of allocation #" + std::to_string(a.id) + " (" + std::to_string(a.bytes)
                        + " bytes): bytes " + std::to_string(first) + ".." + std::to_string(last) + " after its end";
            } else {
                size_t before = sizes[0];
                report = "wrote before the start of allocation #" + std::to_string(a.id) + " (" + std::to_string(a.bytes)
                        + " bytes): bytes " + std::to_string(before - last) + ".." + std::to_string(before - first)
                        + " before its start";
            }
            report += who.empty() ? " (no argument of this launch points into it)"
                                  : " (the launch's argument " + who + " points into it)";
        }
    }
    (void) l;
    return report;
}

// ------------------------------------------------------------------------------- requests

std::vector<std::string> split_names(const char* s) {
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = s; *p; p++) {
        if (*p == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += *p;
        }
    }
    out.push_back(cur);
    return out;
}

void launch(Reader& r) {
    uint32_t fid = r.get<uint32_t>();
    if (fid >= functions.size()) {
        throw std::string("no function #") + std::to_string(fid);
    }
    const Function& fn = functions[fid];
    const emu_kernel_desc* k = fn.desc;
    emu_uint3 grid{r.get<uint32_t>(), r.get<uint32_t>(), r.get<uint32_t>()};
    emu_uint3 block{r.get<uint32_t>(), r.get<uint32_t>(), r.get<uint32_t>()};
    uint32_t shared = r.get<uint32_t>();
    uint32_t count = r.get<uint32_t>();
    std::string where = std::string(k->name) + ": ";
    uint64_t threads = (uint64_t) block.x * block.y * block.z;
    if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.x > 0x7fffffffu || grid.y > 65535 || grid.z > 65535) {
        throw where + "invalid grid (" + std::to_string(grid.x) + "," + std::to_string(grid.y) + "," + std::to_string(grid.z)
                + "): x must be 1..2^31-1, y and z 1..65535 (CUDA_ERROR_INVALID_VALUE on a GPU)";
    }
    if (threads == 0 || block.x > 1024 || block.y > 1024 || block.z > 64 || threads > (uint64_t) emu::MAX_THREADS) {
        throw where + "invalid block (" + std::to_string(block.x) + "," + std::to_string(block.y) + ","
                + std::to_string(block.z) + "): at most 1024 threads, x and y <= 1024, z <= 64";
    }
    if (k->max_threads > 0 && threads > (uint64_t) k->max_threads) {
        throw where + "block of " + std::to_string(threads) + " threads exceeds the kernel's __launch_bounds__("
                + std::to_string(k->max_threads) + ") (CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES on a GPU)";
    }
    if (shared > EMU_MAX_DYNAMIC_SHARED) {
        throw where + std::to_string(shared) + " bytes of dynamic shared memory exceed the " + std::to_string(EMU_MAX_DYNAMIC_SHARED)
                + " a GPU grants without cuFuncSetAttribute";
    }
    std::vector<std::string> names = split_names(k->param_names);
    if ((int) count != k->param_count) {
        throw where + "launched with " + std::to_string(count) + " arguments, the kernel takes " + std::to_string(k->param_count);
    }
    std::vector<uint64_t> storage(count);
    std::vector<void*> args(count);
    std::vector<uint64_t> pointers;
    std::vector<std::string> pointer_names;
    for (uint32_t i = 0; i < count; i++) {
        char kind = r.get<char>();
        uint8_t size = r.get<uint8_t>();
        if (size > 8) {
            throw where + "argument " + std::to_string(i) + " is " + std::to_string(size) + " bytes";
        }
        uint64_t v = 0;
        for (uint8_t b = 0; b < size; b++) {
            reinterpret_cast<char*>(&v)[b] = r.get<char>();
        }
        char want = k->param_kinds[i];
        bool pointer = want == 'w' || want == 'r';
        bool match = pointer ? kind == 'p' : kind == want;
        std::string pname = i < names.size() ? names[i] : "#" + std::to_string(i);
        if (!match || (int) size != k->param_sizes[i]) {
            throw where + "parameter '" + pname + "' (#" + std::to_string(i) + ") is of kind '" + want + "' ("
                    + std::to_string(k->param_sizes[i]) + " bytes), the launch passed kind '" + kind + "' ("
                    + std::to_string(size) + " bytes)";
        }
        if (pointer && v != 0) {
            auto it = allocations.upper_bound((uintptr_t) v);
            bool inside = false;
            if (it != allocations.begin()) {
                const Allocation& a = std::prev(it)->second;
                inside = v >= (uintptr_t) a.payload && v <= (uintptr_t) a.payload + a.bytes;
            }
            if (!inside) {
                throw where + "pointer argument '" + pname + "' = " + hex64(v)
                        + " does not point into a live device allocation (freed, or never allocated)";
            }
            pointers.push_back(v);
            pointer_names.push_back(pname);
        }
        storage[i] = v;
        args[i] = &storage[i];
    }
    emu::Launch l;
    l.kernel = k;
    l.module = fn.module->path.c_str();
    l.args = args.data();
    l.grid = grid;
    l.block = block;
    uint64_t s = base_seed + 0x9e3779b97f4a7c15ull * ++launch_counter;
    l.seed = s;
    l.blocks = (uint64_t) grid.x * grid.y * grid.z;
    l.next = 0;
    l.failed = false;
    l.tls_anchor = fn.module->tls_anchor;
    l.dl_handle = fn.module->handle;
    l.tls_size = fn.module->tls_size;
    current_launch = &l;
    current_function = k->name;
    current_pointers = &pointers;
    current_pointer_names = &pointer_names;
    std::string err = run(l);
    current_launch = nullptr;
    current_pointers = nullptr;
    current_pointer_names = nullptr;
    std::string guards = check_guards(l, pointers, pointer_names);
    if (!err.empty()) {
        throw err;
    }
    if (!guards.empty()) {
        throw guards;
    }
}

void serve(uint32_t op, Reader& r) {
    switch (op) {
        case HELLO: {
            char b[16];
            uint32_t abi = EMU_ABI_VERSION;
            uint32_t w = (uint32_t) worker_count;
            memcpy(b, &abi, 4);
            memcpy(b + 4, &w, 4);
            memcpy(b + 8, &memory_limit, 8);
            reply(OK, b, sizeof b);
            return;
        }
        case LOAD: {
            uint32_t id = load_module(r.rest());
            reply(OK, &id, 4);
            return;
        }
        case FUNCTION: {
            uint32_t m = r.get<uint32_t>();
            std::string name = r.rest();
            if (m >= modules.size()) {
                throw std::string("no module #") + std::to_string(m);
            }
            const Module& mod = *modules[m];
            for (int i = 0; i < mod.count; i++) {
                if (name == mod.kernels[i].name) {
                    functions.push_back({&mod, &mod.kernels[i]});
                    uint32_t id = (uint32_t) functions.size() - 1;
                    reply(OK, &id, 4);
                    return;
                }
            }
            std::string known;
            for (int i = 0; i < mod.count; i++) {
                known += (i ? ", " : "") + std::string(mod.kernels[i].name);
            }
            throw "no kernel '" + name + "' in " + mod.path + " (it has " + known + ")";
        }
        case MALLOC: {
            uint64_t bytes = r.get<uint64_t>();
            if (bytes == 0) {
                throw std::string("allocation of 0 bytes");
            }
            if (used_bytes + bytes > memory_limit) {
                reply_error("out of memory: " + std::to_string(bytes) + " bytes requested, " + std::to_string(used_bytes)
                        + " of " + std::to_string(memory_limit) + " in use", OUT_OF_MEMORY);
                return;
            }
            size_t page = (size_t) getpagesize();
            size_t total = (GUARD_BYTES + bytes + GUARD_BYTES + page - 1) / page * page;
            void* m = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (m == MAP_FAILED) {
                reply_error("out of host memory for a device allocation of " + std::to_string(bytes) + " bytes", OUT_OF_MEMORY);
                return;
            }
            Allocation a{next_allocation_id++, static_cast<char*>(m), total, static_cast<char*>(m) + GUARD_BYTES, bytes};
            memcpy(a.map, guard_pattern, GUARD_BYTES);
            fill32(a.payload, emu::POISON_MEMORY, bytes);
            char* rear = a.payload + bytes;
            size_t rear_bytes = (size_t) (a.map + total - rear);
            for (size_t off = 0; off < rear_bytes; off += GUARD_BYTES) {
                memcpy(rear + off, guard_pattern, std::min(GUARD_BYTES, rear_bytes - off));
            }
            allocations[(uintptr_t) a.payload] = a;
            used_bytes += bytes;
            uint64_t addr = (uintptr_t) a.payload;
            reply(OK, &addr, 8);
            return;
        }
        case FREE: {
            uint64_t addr = r.get<uint64_t>();
            auto it = allocations.find((uintptr_t) addr);
            if (it == allocations.end()) {
                throw "free of " + hex64(addr) + ", which is not the start of a live allocation";
            }
            used_bytes -= it->second.bytes;
            munmap(it->second.map, it->second.map_bytes);
            allocations.erase(it);
            reply_ok();
            return;
        }
        case MEMSET: {
            uint64_t addr = r.get<uint64_t>();
            uint32_t value = r.get<uint32_t>();
            uint64_t count = r.get<uint64_t>();
            if (find(addr, count * 4) == nullptr) {
                throw "memset of " + std::to_string(count) + " words: " + describe_range(addr, count * 4);
            }
            fill32(reinterpret_cast<char*>(addr), value, count * 4);
            reply_ok();
            return;
        }
        case HTOD: {
            uint64_t addr = r.get<uint64_t>();
            uint64_t n = (uint64_t) (r.end - r.p);
            if (find(addr, n) == nullptr) {
                throw "copy to the device: " + describe_range(addr, n);
            }
            memcpy(reinterpret_cast<char*>(addr), r.p, n);
            reply_ok();
            return;
        }
        case DTOH: {
            uint64_t addr = r.get<uint64_t>();
            uint64_t n = r.get<uint64_t>();
            if (find(addr, n) == nullptr || n > 0xffffffffu) {
                throw "copy from the device: " + describe_range(addr, n);
            }
            reply(OK, reinterpret_cast<const char*>(addr), n);
            return;
        }
        case LAUNCH:
            launch(r);
            reply_ok();
            return;
        case MEMINFO: {
            uint64_t b[2] = {used_bytes, memory_limit};
            reply(OK, b, sizeof b);
            return;
        }
        case QUIT:
            reply_ok();
            _exit(0);
        default:
            throw "unknown request " + std::to_string(op);
    }
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--workers") {
            worker_count = std::max(1, atoi(argv[i + 1]));
        } else if (k == "--seed") {
            base_seed = strtoull(argv[i + 1], nullptr, 10);
        } else if (k == "--memory") {
            memory_limit = strtoull(argv[i + 1], nullptr, 10);
        }
    }
    // Kernel printf and stray output must not reach the protocol stream.
    proto_out = dup(1);
    dup2(2, 1);
    for (size_t i = 0; i < GUARD_BYTES; i += 4) {
        memcpy(guard_pattern + i, &emu::POISON_GUARD, 4);
    }
    install_fault_handlers();
    for (int i = 1; i < worker_count; i++) {
        pool.threads.emplace_back(worker_loop);
    }
    std::vector<char> payload;
    for (;;) {
        uint32_t head[2];
        read_exact(head, sizeof head);
        payload.resize(head[1]);
        read_exact(payload.data(), head[1]);
        Reader r{payload.data(), payload.data() + payload.size()};
        try {
            serve(head[0], r);
        } catch (const std::string& message) {
            reply_error(message);
        }
    }
}
