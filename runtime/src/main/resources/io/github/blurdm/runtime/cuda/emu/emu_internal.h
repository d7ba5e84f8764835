// emu_internal.h: what the two halves of the emulated device share: the block scheduler
// (emu_blocks.cpp: fibers, barriers, warp collectives) and the device process (emu_device.cpp:
// protocol, memory, modules, launches, fault reports).
#ifndef BLURDM_EMU_INTERNAL_H
#define BLURDM_EMU_INTERNAL_H

#include "emu_abi.h"
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace emu {

// Bit patterns of the poison the device writes: all NaNs, distinct so a dump says where a value came from.
constexpr uint32_t POISON_MEMORY = 0x7fc0dea1u;   // fresh device allocations
constexpr uint32_t POISON_SHARED = 0x7fc0dea2u;   // shared memory at each block start
constexpr uint32_t POISON_LANE = 0x7fc0dea3u;     // what a shuffle reads from a lane outside its mask
constexpr uint32_t POISON_GUARD = 0x7fbadbadu;    // guard zones around allocations

constexpr int MAX_THREADS = 1024;

// One launch as the workers see it.
struct Launch {
    const emu_kernel_desc* kernel;
    const char* module;          // file and options, for messages
    void** args;
    emu_uint3 grid;
    emu_uint3 block;
    uint64_t seed;
    uint64_t blocks;             // grid.x * grid.y * grid.z
    std::atomic<uint64_t> next;  // next position in the shuffled block order
    std::atomic<bool> failed;
    // the module's TLS (its __shared__ variables): poisoned at each block start
    void* (*tls_anchor)();
    void* dl_handle;
    size_t tls_size;
};

// Runs blocks of `launch` on the calling OS thread until none are left or one fails; returns
// false with `error` set on the first failure (a deadlock, a bad collective, a trap).
bool run_blocks(Launch& launch, std::string& error);

// For fault reports from a signal handler: what the calling OS thread is running, or false.
bool describe_current(char* out, size_t cap);

// The block index at position `pos` of the launch's shuffled order.
uint64_t block_at(const Launch& launch, uint64_t pos);

}  // namespace emu

#endif
