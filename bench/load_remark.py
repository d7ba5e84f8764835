"""The sentence the results writers put after the load averages they record."""


def load_remark(load_averages, threads):
    """Whether other work shared the machine: a 1-minute load above the benchmark's own threads (+ 0.5) says so."""
    busiest = max(float(la[0]) for la in load_averages)
    if busiest > threads + 0.5:
        return ("other work shared this machine, so both sides' times are inflated; the ratios are what to read.")
    return ("nothing else ran (the load is the benchmark's own %d threads)." % threads)
