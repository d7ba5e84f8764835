package io.github.blurdm.weights;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader (protocols 0-5, the opcodes torch.save and plain containers use) that executes
 * nothing. Globals resolve against a fixed allow-list, each mapped to a Java method in the switch
 * of {@link #call}: {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor(_v2)},
 * {@code torch._utils._rebuild_parameter(_with_state)} and the typed storage classes
 * ({@code torch.FloatStorage} ...), which may appear only inside a persistent id. Every other
 * global becomes an inert {@link PyObject} placeholder; no class is loaded and no reflection is
 * used. Memory use is bounded by the input: lengths are checked against the bytes left, and
 * nothing is ever hashed or printed recursively (dict keys must be scalars, tuples or placeholders).
 * One instance reads one pickle; not thread-safe.
 *
 * <p>Values produced: null, Boolean, Long, BigInteger, Double, String, byte[], List (list, set),
 * {@link PyTuple}, LinkedHashMap (dict, OrderedDict), {@link TorchTensor}, {@link PyObject}.
 */
final class TorchUnpickler {
    private static final Set<String> STORAGE_TYPES = Set.of("FloatStorage", "DoubleStorage", "HalfStorage",
            "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage",
            "BoolStorage");
    private static final int MAX_TEXT_NUMBER = 4096;

    /** A typed storage named by a persistent id; shared between every tensor that views it. */
    record Storage(String key, DType dtype, long numel) {
    }

    /** Allowed globals, resolved to markers; the string is the qualified name. */
    private record Allowed(String qualifiedName) {
    }

    private static final Object MARK = new Object();

    private final byte[] in;
    private final String source;
    private int pos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, Storage> storages = new LinkedHashMap<>();

    private TorchUnpickler(byte[] in, int start, String source) {
        this.in = in;
        this.pos = start;
        this.source = source;
    }

    /** One pickle read from a stream of several: its value, the offset after its STOP, the storages it names. */
    record Parsed(Object value, int end, Map<String, Storage> storages) {
    }

    /** Reads the pickle; {@code source} names it in messages (e.g. "model.pth: data.pkl"). */
    static Object read(byte[] data, String source) throws WeightsException {
        return readAt(data, 0, source).value();
    }

    /**
     * Reads the pickle that starts at {@code data[start]} (the legacy format writes several one after
     * another); bytes after its STOP are left alone.
     */
    static Parsed readAt(byte[] data, int start, String source) throws WeightsException {
        TorchUnpickler u = new TorchUnpickler(data, start, source);
        try {
            Object v = u.run();
            return new Parsed(v, u.pos, u.storages);
        } catch (ClassCastException | IndexOutOfBoundsException | NumberFormatException e) {
            // Malformed structure where the opcode sequence itself is legal (e.g. REDUCE on a string).
            throw u.fail("malformed pickle (" + e.getClass().getSimpleName() + ")");
        }
    }

    private WeightsException fail(String what) {
        return new WeightsException(source + ": " + what + " at byte " + pos);
    }

    private Object run() throws WeightsException {
        while (true) {
            if (pos >= in.length) {
                throw fail("pickle ends without STOP (truncated?)");
            }
            int op = in[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int p = u8();
                    if (p > 5) {
                        throw fail("unsupported pickle protocol " + p);
                    }
                }
                case 0x95 -> skip(8); // FRAME: framing is only a hint
                case '.' -> { // STOP
                    Object r = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) {
                        throw fail("values left on the stack at STOP");
                    }
                    return r;
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) u16()); // BININT2
                case 0x8a -> push(longBytes(u8())); // LONG1
                case 0x8b -> push(longBytes(len32())); // LONG4
                case 'I' -> push(textInt(line())); // INT
                case 'L' -> push(textLong(line())); // LONG
                case 'F' -> push(textFloat(line())); // FLOAT
                case 'G' -> push(Double.longBitsToDouble(i64be())); // BINFLOAT
                case 'X' -> push(utf8(len32())); // BINUNICODE
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(len64())); // BINUNICODE8
                case 'V' -> push(line()); // UNICODE (raw-unicode-escape; ASCII subset is exact)
                case 'T' -> push(latin1(len32())); // BINSTRING
                case 'U' -> push(latin1(u8())); // SHORT_BINSTRING
                case 'S' -> push(line()); // STRING (quoted repr; kept verbatim)
                case 'B' -> push(bytes(len32())); // BINBYTES
                case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                case 0x8e -> push(bytes(len64())); // BINBYTES8
                case 0x96 -> push(bytes(len64())); // BYTEARRAY8
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'a' -> { // APPEND
                    Object v = pop();
                    append(peek(), java.util.Arrays.asList(v));
                }
                case 'e' -> { // APPENDS
                    List<Object> vs = popMark();
                    append(peek(), vs);
                }
                case ')' -> push(new PyTuple()); // EMPTY_TUPLE
                case 't' -> push(PyTuple.of(popMark())); // TUPLE
                case 0x85 -> push(new PyTuple(pop())); // TUPLE1
                case 0x86 -> { // TUPLE2
                    Object b = pop();
                    Object a = pop();
                    push(new PyTuple(a, b));
                }
                case 0x87 -> { // TUPLE3
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(new PyTuple(a, b, c));
                }
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case 'd' -> { // DICT
                    Map<Object, Object> d = new LinkedHashMap<>();
                    setItems(d, popMark());
                    push(d);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    setItems(peek(), java.util.Arrays.asList(k, v));
                }
                case 'u' -> { // SETITEMS
                    List<Object> kv = popMark();
                    setItems(peek(), kv);
                }
                case 0x8f -> push(new ArrayList<>()); // EMPTY_SET
                case 0x90 -> { // ADDITEMS
                    List<Object> vs = popMark();
                    append(peek(), vs);
                }
                case 0x91 -> push(new ArrayList<>(popMark())); // FROZENSET
                case 'c' -> { // GLOBAL
                    String module = line();
                    push(global(module, line()));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object fn = pop();
                    push(call(fn, asList(args, "REDUCE arguments")));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    push(call(cls, asList(args, "NEWOBJ arguments")));
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop(); // kwargs: recorded nowhere, the placeholder keeps the positional ones
                    Object args = pop();
                    Object cls = pop();
                    push(call(cls, asList(args, "NEWOBJ_EX arguments")));
                }
                case 'i' -> { // INST
                    String module = line();
                    Object cls = global(module, line());
                    push(call(cls, popMark()));
                }
                case 'o' -> { // OBJ
                    List<Object> items = popMark();
                    if (items.isEmpty()) {
                        throw fail("OBJ without a class");
                    }
                    push(call(items.get(0), items.subList(1, items.size())));
                }
                case 'b' -> build(pop(), peek()); // BUILD
                case 'Q' -> push(persistentLoad(pop())); // BINPERSID
                case 'P' -> push(persistentLoad(line())); // PERSID
                case 'p' -> memo.put(memoIndex(line()), peek()); // PUT
                case 'q' -> memo.put((long) u8(), peek()); // BINPUT
                case 'r' -> memo.put(len32(), peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'g' -> push(memoGet(memoIndex(line()))); // GET
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(len32())); // LONG_BINGET
                default -> throw fail(String.format("unsupported pickle opcode 0x%02x", op));
            }
        }
    }

    // ---- globals and calls: the allow-list ----

    private Object global(String module, String name) throws WeightsException {
        if (module.length() > 256 || name.length() > 256) {
            throw fail("global name too long");
        }
        String q = module + "." + name;
        boolean allowed = switch (q) {
            case "collections.OrderedDict", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
                    "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> true;
            default -> module.equals("torch") && STORAGE_TYPES.contains(name);
        };
        return allowed ? new Allowed(q) : new PyObject(module, name, false, null);
    }

    private Object call(Object fn, List<Object> args) throws WeightsException {
        if (fn instanceof PyObject p) {
            // Not allowed: record the call, run nothing.
            return new PyObject(p.module(), p.name(), true, args);
        }
        if (!(fn instanceof Allowed a)) {
            throw fail("REDUCE/NEWOBJ on a non-callable value");
        }
        switch (a.qualifiedName()) {
            case "collections.OrderedDict" -> {
                Map<Object, Object> d = new LinkedHashMap<>();
                if (!args.isEmpty()) {
                    for (Object pair : asList(args.get(0), "OrderedDict items")) {
                        List<Object> kv = asList(pair, "OrderedDict item");
                        if (kv.size() != 2) {
                            throw fail("OrderedDict item is not a pair");
                        }
                        setItems(d, kv);
                    }
                }
                return d;
            }
            case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2" -> {
                // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])
                if (args.size() < 4 || !(args.get(0) instanceof Storage s)) {
                    throw fail(a.qualifiedName() + " needs (storage, offset, size, stride, ...)");
                }
                boolean rg = args.size() > 4 && Boolean.TRUE.equals(args.get(4));
                return TorchTensor.of(source + ": tensor in storage " + s.key(), s.key(), s.dtype(), s.numel(),
                        asLong(args.get(1), "storage offset"), longs(args.get(2), "size"),
                        longs(args.get(3), "stride"), rg);
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its tensor.
                if (args.size() < 2 || !(args.get(0) instanceof TorchTensor t)) {
                    throw fail(a.qualifiedName() + " needs (tensor, requires_grad, ...)");
                }
                if (args.size() > 3 && !isTrivialState(args.get(3))) {
                    return new PyObject("torch._utils", "_rebuild_parameter_with_state", true, args);
                }
                return t.withRequiresGrad(Boolean.TRUE.equals(args.get(1)));
            }
            default -> throw fail(a.qualifiedName() + " may only appear inside a storage persistent id");
        }
    }

    private static boolean isTrivialState(Object state) {
        return state == null || (state instanceof Map<?, ?> m && m.isEmpty())
                || (state instanceof PyTuple t && t.isEmpty());
    }

    private void build(Object state, Object target) throws WeightsException {
        if (target instanceof PyObject p) {
            p.setState(state);
        } else if (target instanceof Map<?, ?> || target instanceof TorchTensor) {
            // OrderedDict attributes such as a state dict's _metadata, tensor attributes: not kept.
            return;
        } else {
            throw fail("BUILD on a value that takes no state");
        }
    }

    private Object persistentLoad(Object pid) throws WeightsException {
        // ('storage', storage_type, key, location, numel); the legacy format adds view_metadata, None
        // since PyTorch 1.0 (storage views are gone); torch.save(model) in it also writes ('module', ...)
        if (pid instanceof PyTuple t && t.size() > 0 && "module".equals(t.get(0))) {
            throw fail("the checkpoint pickles a whole nn.Module (its class and source code), not a state "
                    + "dict; save model.state_dict() instead");
        }
        if (!(pid instanceof PyTuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
            throw fail("persistent id is not a ('storage', type, key, location, numel) tuple");
        }
        if (t.size() > 5 && t.get(5) != null) {
            throw fail("storage " + t.get(2) + " is a view of another storage (written by PyTorch < 1.0); "
                    + "not supported");
        }
        if (!(t.get(1) instanceof Allowed type) || !type.qualifiedName().startsWith("torch.")
                || !STORAGE_TYPES.contains(type.qualifiedName().substring(6))) {
            String what = t.get(1) instanceof PyObject p ? p.qualifiedName() : "a non-storage value";
            throw fail("unsupported storage type " + what);
        }
        if (!(t.get(2) instanceof String key) || !key.matches("[A-Za-z0-9_]{1,64}")) {
            throw fail("storage key must be a short alphanumeric name");
        }
        long numel = asLong(t.get(4), "storage size");
        if (numel < 0) {
            throw fail("negative storage size " + numel);
        }
        DType dt = storageDType(type.qualifiedName().substring(6));
        Storage s = new Storage(key, dt, numel);
        Storage prev = storages.putIfAbsent(key, s);
        if (prev != null && !prev.equals(s)) {
            throw fail("storage " + key + " is referenced as " + prev.dtype() + "[" + prev.numel() + "] and "
                    + dt + "[" + numel + "]");
        }
        return prev != null ? prev : s;
    }

    private static DType storageDType(String name) {
        return switch (name) {
            case "FloatStorage" -> DType.F32;
            case "DoubleStorage" -> DType.F64;
            case "HalfStorage" -> DType.F16;
            case "BFloat16Storage" -> DType.BF16;
            case "LongStorage" -> DType.I64;
            case "IntStorage" -> DType.I32;
            case "ShortStorage" -> DType.I16;
            case "CharStorage" -> DType.I8;
            case "ByteStorage" -> DType.U8;
            case "BoolStorage" -> DType.BOOL;
            default -> throw new IllegalStateException(name);
        };
    }

    // ---- containers ----

    private void append(Object target, List<Object> values) throws WeightsException {
        if (target instanceof List<?> && !(target instanceof PyTuple)) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) target;
            l.addAll(values);
        } else if (target instanceof PyObject p) {
            p.items().addAll(values);
        } else {
            throw fail("APPEND to a value that is not a list");
        }
    }

    private void setItems(Object target, List<Object> kv) throws WeightsException {
        if (kv.size() % 2 != 0) {
            throw fail("SETITEMS with an odd number of values");
        }
        if (target instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> d = (Map<Object, Object>) target;
            for (int i = 0; i < kv.size(); i += 2) {
                Object k = kv.get(i);
                if (k instanceof List<?> && !(k instanceof PyTuple) || k instanceof Map<?, ?>) {
                    throw fail("unhashable dict key");
                }
                d.put(k, kv.get(i + 1));
            }
        } else if (target instanceof PyObject p) {
            for (int i = 0; i < kv.size(); i += 2) {
                p.items().add(new PyTuple(kv.get(i), kv.get(i + 1)));
            }
        } else {
            throw fail("SETITEM on a value that is not a dict");
        }
    }

    // ---- stack and memo ----

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws WeightsException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws WeightsException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws WeightsException {
        if (marks.isEmpty()) {
            throw fail("no MARK on the stack");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> sub = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return sub;
    }

    private Object memoGet(long i) throws WeightsException {
        if (!memo.containsKey(i)) {
            throw fail("memo entry " + i + " not defined");
        }
        return memo.get(i);
    }

    // ---- value helpers ----

    private List<Object> asList(Object o, String what) throws WeightsException {
        if (o instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> r = (List<Object>) l;
            return r;
        }
        throw fail(what + " must be a tuple or list");
    }

    private long asLong(Object o, String what) throws WeightsException {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw fail(what + " must be an integer that fits 64 bits");
    }

    private long[] longs(Object o, String what) throws WeightsException {
        List<Object> l = asList(o, what);
        if (l.size() > TorchTensor.MAX_DIMS) {
            throw fail(what + " has " + l.size() + " dimensions");
        }
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = asLong(l.get(i), what);
        }
        return r;
    }

    // ---- reading bytes ----

    private void need(long n) throws WeightsException {
        if (n < 0 || n > in.length - pos) {
            throw fail("length " + n + " runs past the end of the pickle (" + (in.length - pos) + " bytes left)");
        }
    }

    private void skip(int n) throws WeightsException {
        need(n);
        pos += n;
    }

    private int u8() throws WeightsException {
        need(1);
        return in[pos++] & 0xff;
    }

    private int u16() throws WeightsException {
        need(2);
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    private int i32() throws WeightsException {
        need(4);
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private long len32() throws WeightsException {
        return i32() & 0xffffffffL;
    }

    private long len64() throws WeightsException {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        pos += 8;
        return v; // negative (>= 2^63) fails in need()
    }

    private long i64be() throws WeightsException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    private byte[] bytes(long n) throws WeightsException {
        need(n);
        byte[] b = new byte[(int) n];
        System.arraycopy(in, pos, b, 0, (int) n);
        pos += (int) n;
        return b;
    }

    private String utf8(long n) throws WeightsException {
        need(n);
        String s = new String(in, pos, (int) n, StandardCharsets.UTF_8);
        pos += (int) n;
        return s;
    }

    private String latin1(long n) throws WeightsException {
        need(n);
        String s = new String(in, pos, (int) n, StandardCharsets.ISO_8859_1);
        pos += (int) n;
        return s;
    }

    private String line() throws WeightsException {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') {
            pos++;
        }
        if (pos >= in.length) {
            throw fail("text argument without a newline");
        }
        String s = new String(in, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s;
    }

    private Object longBytes(long n) throws WeightsException {
        if (n > MAX_TEXT_NUMBER) {
            throw fail("integer of " + n + " bytes");
        }
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object textInt(String s) throws WeightsException {
        if (s.equals("00")) {
            return Boolean.FALSE;
        }
        if (s.equals("01")) {
            return Boolean.TRUE;
        }
        return textLong(s);
    }

    private Object textLong(String s) throws WeightsException {
        String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        if (t.isEmpty() || t.length() > MAX_TEXT_NUMBER || !t.matches("[-+]?[0-9]+")) {
            throw fail("bad integer literal");
        }
        BigInteger v = new BigInteger(t);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private long memoIndex(String s) throws WeightsException {
        if (textLong(s) instanceof Long l) {
            return l;
        }
        throw fail("memo index out of range");
    }

    private Double textFloat(String s) throws WeightsException {
        if (s.length() > 64 || !s.matches("[-+0-9.eEinfatyINFATY]+")) {
            throw fail("bad float literal");
        }
        return Double.valueOf(s);
    }
}
