"""Which BLAS this machine's PyTorch multiplies matrices with, and a guard for the benchmark scripts.

Debian's python3-torch links the generic libblas.so.3, whose provider is whatever `update-alternatives` picks:
on a machine with only libblas3 installed that is the netlib reference BLAS, unblocked and single-threaded,
which made PyTorch's Stripformer 3x slower (1069 s instead of about 300 s at 1280x720 on 2 cores) and its long
attention matmuls 8x slower. A comparison against that PyTorch says nothing, so the run scripts refuse it:

    /usr/bin/python3 bench/torch_blas.py --require-optimized    # exit 1 with the fix when it is the reference
    apt-get install -y libopenblas0-openmp                      # the fix: OpenBLAS takes libblas.so.3 over
"""
import sys


def blas_library():
    """The path of the BLAS shared library loaded once torch has multiplied two matrices, or 'unknown'."""
    import torch
    torch.ones(8, 8) @ torch.ones(8, 8)
    names = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if path.startswith("/") and ("blas" in path or "mkl" in path) and path not in names:
                names.append(path)
    # libblas.so.3 resolves to one provider; the reference one is mapped only when it is that provider (another
    # library, e.g. OpenBLAS's LAPACK, may map OpenBLAS beside it without serving torch's sgemm)
    reference = [n for n in names if is_reference(n)]
    preferred = [n for n in names if "openblas" in n or "mkl" in n or "blis" in n]
    return (reference or preferred or names or ["unknown"])[0]


def is_reference(path):
    """Whether `path` is netlib's reference BLAS (Debian installs it under .../blas/libblas.so.3)."""
    return "/blas/libblas" in path


def main():
    path = blas_library()
    if "--require-optimized" in sys.argv[1:] and is_reference(path):
        sys.stderr.write("PyTorch multiplies matrices with the reference BLAS (%s), unblocked and single-threaded: "
                         "a benchmark against it would flatter us. Install an optimised one, which takes over "
                         "libblas.so.3: apt-get install -y libopenblas0-openmp\n" % path)
        sys.exit(1)
    print(path)


if __name__ == "__main__":
    main()
