// emu_blocks.cpp: runs the blocks of one launch on the calling OS thread. A block's threads are
// fibers (own stacks, switched by a few instructions of assembly on x86-64, ucontext elsewhere);
// a fiber runs until it reaches __syncthreads, a warp collective or its end, then the scheduler
// picks the next one in an order reshuffled on every pass. So code between two barriers of one
// thread runs while the other threads are anywhere in theirs: a missing barrier reads poison or
// stale values, and a shuffle finds its partner lanes only when they arrive (or fails when they
// exited). Block order is shuffled too (block_at); the seed comes from the device.
#include "emu_internal.h"

#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace emu {
namespace {

constexpr size_t STACK_BYTES = 256 * 1024;   // per GPU thread, plus a guard page below it
constexpr int MAX_WORDS = 16;                // per lane in one warp collective
constexpr int GROUPS = 8;                    // collectives per warp gathering or being read at once

enum class State : uint8_t { RUNNABLE, BARRIER, WARP, DONE };

struct Group;

struct Fiber {
    void* sp = nullptr;
    emu_thread info{};
    State state = State::DONE;
    uint64_t barrier_gen = 0;
    Group* reading = nullptr;   // the completed collective whose values this thread may still read
    const char* waiting_at = nullptr;
    unsigned waiting_mask = 0;
#if !defined(__x86_64__)
    ucontext_t uc;
#endif
};

// One warp collective: gathering until every lane of its mask arrived, then read by those lanes
// (each until its next collective), then free for the next one.
struct Group {
    enum { FREE, GATHER, READ } state = FREE;
    unsigned mask = 0;
    unsigned arrived = 0;
    int readers = 0;
    int words = 0;
    const char* what = nullptr;
    uint32_t slots[EMU_WARP * MAX_WORDS];
};

struct Warp {
    unsigned members = 0;
    unsigned exited = 0;
    Group groups[GROUPS];
};

struct Worker {
    char* stacks = nullptr;
    size_t stack_span = 0;
    Fiber fibers[MAX_THREADS];
    Warp warps[MAX_THREADS / EMU_WARP];
    int order[MAX_THREADS];
    void* scheduler_sp = nullptr;
#if !defined(__x86_64__)
    ucontext_t scheduler_uc;
#endif
    Fiber* current = nullptr;
    Launch* launch = nullptr;
    emu_uint3 block_idx{};
    int threads = 0;
    int live = 0;
    int arrived = 0;
    uint64_t barrier_gen = 0;
    bool failed = false;
    std::string error;
    uint64_t rng = 1;
    void* tls_handle = nullptr;
    unsigned char* tls_block = nullptr;
};

thread_local Worker* tls_worker = nullptr;

uint64_t splitmix(uint64_t& s) {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// ------------------------------------------------------------------------------- context switch

#if defined(__x86_64__)
extern "C" void emu_switch(void** save_sp, void* load_sp);
// Saves the callee-saved registers, MXCSR and the x87 control word on the current stack, stores
// the stack pointer in *save_sp, and resumes the context whose stack pointer is load_sp.
asm(R"(
    .text
    .globl emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch
)");
#endif

[[noreturn]] void fiber_entry();

void start_fiber(Worker* w, Fiber* f, int index) {
    char* top = w->stacks + (size_t) (index + 1) * w->stack_span;
#if defined(__x86_64__)
    uint64_t* s = reinterpret_cast<uint64_t*>(reinterpret_cast<uintptr_t>(top) & ~uintptr_t(15));
    *--s = 0;                                              // fiber_entry's return address: never used
    *--s = reinterpret_cast<uint64_t>(&fiber_entry);      // where emu_switch returns to
    for (int i = 0; i < 6; i++) {
        *--s = 0;                                          // rbp rbx r12 r13 r14 r15
    }
    *--s = 0x0000037f00001f80ull;                          // MXCSR default, x87 control word default
    f->sp = s;
#else
    getcontext(&f->uc);
    f->uc.uc_stack.ss_sp = top - w->stack_span + getpagesize();
    f->uc.uc_stack.ss_size = w->stack_span - getpagesize();
    f->uc.uc_link = nullptr;
    makecontext(&f->uc, (void (*)()) fiber_entry, 0);
#endif
}

inline void resume(Worker* w, Fiber* f) {
    w->current = f;
#if defined(__x86_64__)
    emu_switch(&w->scheduler_sp, f->sp);
#else
    swapcontext(&w->scheduler_uc, &f->uc);
#endif
    w->current = nullptr;
}

inline void yield(Worker* w, Fiber* f) {
#if defined(__x86_64__)
    emu_switch(&f->sp, w->scheduler_sp);
#else
    swapcontext(&f->uc, &w->scheduler_uc);
#endif
}

// Ends the block with an error; the calling fiber is abandoned (kernel code holds no resources).
[[noreturn]] void fail(Worker* w, const std::string& message) {
    Fiber* f = w->current;
    if (!w->failed) {
        w->failed = true;
        char where[128];
        snprintf(where, sizeof where, " (thread (%u,%u,%u), warp %d lane %d)", f->info.threadIdx.x, f->info.threadIdx.y,
                 f->info.threadIdx.z, f->info.warp, f->info.lane);
        w->error = message + where;
    }
    f->state = State::DONE;
    for (;;) {
        yield(w, f);
    }
}

std::string hex(unsigned v) {
    char b[16];
    snprintf(b, sizeof b, "0x%08x", v);
    return b;
}

void release_barrier_if_complete(Worker* w) {
    if (w->arrived > 0 && w->arrived == w->live) {
        w->arrived = 0;
        w->barrier_gen++;
    }
}

void stop_reading(Fiber* f) {
    Group* g = f->reading;
    if (g != nullptr) {
        f->reading = nullptr;
        if (--g->readers == 0) {
            g->state = Group::FREE;
        }
    }
}

[[noreturn]] void finish(Worker* w, Fiber* f) {
    stop_reading(f);
    Warp& warp = w->warps[f->info.warp];
    unsigned bit = 1u << f->info.lane;
    for (Group& g : warp.groups) {
        if (g.state == Group::GATHER && (g.mask & bit) && !(g.arrived & bit)) {
            fail(w, "lane " + std::to_string(f->info.lane) + " exited while lanes " + hex(g.arrived) + " of its warp wait for it at "
                    + g.what + " with mask " + hex(g.mask));
        }
    }
    warp.exited |= bit;
    f->state = State::DONE;
    w->live--;
    release_barrier_if_complete(w);
    for (;;) {
        yield(w, f);
    }
}

[[noreturn]] void fiber_entry() {
    Worker* w = tls_worker;
    w->launch->kernel->thunk(w->launch->args);
    finish(w, w->current);
}

// ------------------------------------------------------------------------------- per block

Worker* worker() {
    Worker* w = tls_worker;
    if (w == nullptr) {
        w = new Worker();
        size_t page = (size_t) getpagesize();
        w->stack_span = STACK_BYTES + page;
        size_t bytes = w->stack_span * MAX_THREADS;
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            perror("emulated device: mmap of fiber stacks");
            _exit(71);
        }
        w->stacks = static_cast<char*>(p);
        for (int i = 0; i < MAX_THREADS; i++) {
            mprotect(w->stacks + (size_t) i * w->stack_span, page, PROT_NONE);   // overflow faults, named by the device
        }
        tls_worker = w;
    }
    return w;
}

void poison_shared(Worker* w, Launch& launch) {
    if (launch.tls_size == 0) {
        return;
    }
    if (w->tls_handle != launch.dl_handle) {
        launch.tls_anchor();   // makes the loader allocate this thread's block of the module's TLS
        void* block = nullptr;
        if (dlinfo(launch.dl_handle, RTLD_DI_TLS_DATA, &block) != 0 || block == nullptr) {
            fprintf(stderr, "emulated device: no TLS block for %s: %s\n", launch.module, dlerror());
            _exit(72);
        }
        w->tls_handle = launch.dl_handle;
        w->tls_block = static_cast<unsigned char*>(block);
    }
    uint32_t p = POISON_SHARED;
    size_t n = launch.tls_size;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(w->tls_block + i, &p, 4);
    }
    memset(w->tls_block + i, 0x7f, n - i);
}

std::string describe_deadlock(Worker* w) {
    int barrier = 0;
    std::string warps;
    for (int i = 0; i < w->threads; i++) {
        Fiber& f = w->fibers[i];
        if (f.state == State::BARRIER) {
            barrier++;
        } else if (f.state == State::WARP && warps.size() < 300) {
            warps += " thread " + std::to_string(i) + " at " + f.waiting_at + " (mask " + hex(f.waiting_mask) + ");";
        }
    }
    return "deadlock: " + std::to_string(barrier) + " of " + std::to_string(w->live)
            + " live threads wait at __syncthreads, the others wait at warp collectives:" + warps
            + " (a barrier or collective that not every thread reaches)";
}

bool run_block(Worker* w, Launch& launch, uint64_t b) {
    uint64_t gx = launch.grid.x;
    uint64_t gy = launch.grid.y;
    w->block_idx = {(unsigned) (b % gx), (unsigned) (b / gx % gy), (unsigned) (b / (gx * gy))};
    poison_shared(w, launch);
    const emu_uint3 bd = launch.block;
    int n = (int) (bd.x * bd.y * bd.z);
    w->threads = n;
    w->live = n;
    w->arrived = 0;
    w->barrier_gen = 0;
    w->failed = false;
    w->error.clear();
    for (int i = 0; i < (n + EMU_WARP - 1) / EMU_WARP; i++) {
        Warp& warp = w->warps[i];
        int lanes = n - i * EMU_WARP < EMU_WARP ? n - i * EMU_WARP : EMU_WARP;
        warp.members = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1u;
        warp.exited = 0;
        for (Group& g : warp.groups) {
            g.state = Group::FREE;
        }
    }
    for (int i = 0; i < n; i++) {
        Fiber& f = w->fibers[i];
        f.info.threadIdx = {(unsigned) (i % bd.x), (unsigned) (i / bd.x % bd.y), (unsigned) (i / (bd.x * bd.y))};
        f.info.blockIdx = w->block_idx;
        f.info.blockDim = bd;
        f.info.gridDim = launch.grid;
        f.info.linear = i;
        f.info.lane = i % EMU_WARP;
        f.info.warp = i / EMU_WARP;
        f.state = State::RUNNABLE;
        f.reading = nullptr;
        start_fiber(w, &f, i);
        w->order[i] = i;
    }
    uint64_t rng = launch.seed ^ (b * 0x2545f4914f6cdd1dull);
    while (w->live > 0) {
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (splitmix(rng) % (uint64_t) (i + 1));
            int t = w->order[i];
            w->order[i] = w->order[j];
            w->order[j] = t;
        }
        bool ran = false;
        for (int k = 0; k < n; k++) {
            Fiber* f = &w->fibers[w->order[k]];
            if (f->state == State::DONE || f->state == State::WARP) {
                continue;
            }
            if (f->state == State::BARRIER) {
                if (w->barrier_gen <= f->barrier_gen) {
                    continue;
                }
                f->state = State::RUNNABLE;
            }
            resume(w, f);
            ran = true;
            if (w->failed) {
                return false;
            }
        }
        if (!ran) {
            w->error = describe_deadlock(w);
            return false;
        }
    }
    return true;
}

}  // namespace

uint64_t block_at(const Launch& launch, uint64_t pos) {
    // An affine bijection of [0, blocks): a seeded, scrambled order without a table.
    uint64_t n = launch.blocks;
    if (n <= 1) {
        return 0;
    }
    uint64_t s = launch.seed;
    uint64_t a = splitmix(s) % n;
    auto gcd = [](uint64_t x, uint64_t y) {
        while (y != 0) {
            uint64_t t = x % y;
            x = y;
            y = t;
        }
        return x;
    };
    while (a == 0 || gcd(a, n) != 1) {
        a = (a + 1) % n;
    }
    uint64_t c = splitmix(s) % n;
    return (uint64_t) (((unsigned __int128) a * pos + c) % n);
}

bool run_blocks(Launch& launch, std::string& error) {
    Worker* w = worker();
    w->launch = &launch;
    while (!launch.failed.load()) {
        uint64_t pos = launch.next.fetch_add(1);
        if (pos >= launch.blocks) {
            break;
        }
        uint64_t b = block_at(launch, pos);
        if (!run_block(w, launch, b)) {
            char where[96];
            snprintf(where, sizeof where, " in block (%u,%u,%u)", w->block_idx.x, w->block_idx.y, w->block_idx.z);
            error = w->error + where;
            launch.failed = true;
            w->launch = nullptr;
            return false;
        }
    }
    w->launch = nullptr;
    return true;
}

bool describe_current(char* out, size_t cap) {
    Worker* w = tls_worker;
    if (w == nullptr || w->launch == nullptr) {
        return false;
    }
    Fiber* f = w->current;
    if (f == nullptr) {
        snprintf(out, cap, "block (%u,%u,%u)", w->block_idx.x, w->block_idx.y, w->block_idx.z);
    } else {
        snprintf(out, cap, "block (%u,%u,%u) thread (%u,%u,%u)", w->block_idx.x, w->block_idx.y, w->block_idx.z,
                 f->info.threadIdx.x, f->info.threadIdx.y, f->info.threadIdx.z);
    }
    return true;
}

}  // namespace emu

// ----------------------------------------------------------------------------- kernel-side ABI

using emu::Fiber;
using emu::State;
using emu::Worker;

extern "C" const emu_thread* emu_self(void) {
    return &emu::tls_worker->current->info;
}

extern "C" void emu_syncthreads(void) {
    Worker* w = emu::tls_worker;
    Fiber* f = w->current;
    w->arrived++;
    if (w->arrived == w->live) {
        w->arrived = 0;
        w->barrier_gen++;
        f->state = State::RUNNABLE;
    } else {
        f->state = State::BARRIER;
        f->barrier_gen = w->barrier_gen;
    }
    emu::yield(w, f);
}

extern "C" unsigned int emu_active_mask(void) {
    Worker* w = emu::tls_worker;
    emu::Warp& warp = w->warps[w->current->info.warp];
    return warp.members & ~warp.exited;
}

extern "C" void emu_trap(const char* what) {
    Worker* w = emu::tls_worker;
    emu::fail(w, std::string("kernel trapped: ") + what);
}

extern "C" const uint32_t* emu_warp_collective(unsigned int mask, const uint32_t* mine, int words, const char* what) {
    Worker* w = emu::tls_worker;
    Fiber* f = w->current;
    emu::stop_reading(f);
    int lane = f->info.lane;
    emu::Warp& warp = w->warps[f->info.warp];
    unsigned bit = 1u << lane;
    if (words < 1 || words > emu::MAX_WORDS) {
        emu::fail(w, std::string(what) + ": " + std::to_string(words) + " words per lane is beyond the emulator's limit");
    }
    if (!(mask & bit)) {
        emu::fail(w, std::string(what) + " with mask " + emu::hex(mask) + ", which does not include the calling lane "
                + std::to_string(lane));
    }
    if (mask & ~warp.members) {
        emu::fail(w, std::string(what) + " with mask " + emu::hex(mask) + " names lanes the block does not have (warp "
                + std::to_string(f->info.warp) + " has lanes " + emu::hex(warp.members) + ")");
    }
    if (mask & warp.exited) {
        emu::fail(w, std::string(what) + " with mask " + emu::hex(mask) + ": lanes " + emu::hex(mask & warp.exited)
                + " of the mask have already exited");
    }
    emu::Group* g = nullptr;
    emu::Group* spare = nullptr;
    for (emu::Group& c : warp.groups) {
        if (c.state == emu::Group::GATHER) {
            if (c.mask == mask) {
                g = &c;
            } else if (c.mask & mask) {
                emu::fail(w, std::string(what) + " with mask " + emu::hex(mask) + " while lanes " + emu::hex(c.arrived)
                        + " of the same warp wait at " + c.what + " with the overlapping mask " + emu::hex(c.mask));
            }
        } else if (c.state == emu::Group::FREE && spare == nullptr) {
            spare = &c;
        }
    }
    if (g == nullptr) {
        if (spare == nullptr) {
            emu::fail(w, std::string(what) + ": more concurrent warp collectives than the emulator tracks");
        }
        g = spare;
        g->state = emu::Group::GATHER;
        g->mask = mask;
        g->arrived = 0;
        g->what = what;
        g->words = words;
    } else if (strcmp(g->what, what) != 0 || g->words != words) {
        emu::fail(w, std::string("lanes of one warp meet at different collectives: ") + what + " and " + g->what
                + " (mask " + emu::hex(mask) + ")");
    }
    memcpy(g->slots + lane * words, mine, (size_t) words * 4);
    g->arrived |= bit;
    if (g->arrived == mask) {
        for (int l = 0; l < EMU_WARP; l++) {
            if ((mask >> l) & 1u) {
                Fiber* p = &w->fibers[f->info.warp * EMU_WARP + l];
                p->reading = g;
                p->state = State::RUNNABLE;
            } else {
                for (int k = 0; k < words; k++) {
                    g->slots[l * words + k] = emu::POISON_LANE;
                }
            }
        }
        g->state = emu::Group::READ;
        g->readers = __builtin_popcount(mask);
    } else {
        f->state = State::WARP;
        f->waiting_at = what;
        f->waiting_mask = mask;
    }
    emu::yield(w, f);
    return g->slots;
}
