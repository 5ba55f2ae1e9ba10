/* thinc's BLAS signatures for spaCy's parser loop, without BLIS.
 *
 * spaCy's transition loop (NER and dependency parser) sums each state's precomputed
 * feature vectors (saxpy) and computes its scores with one small matrix product per
 * step (sgemm), both through thinc's CBlas, which defaults to BLIS. The BLIS wheel has
 * no kernels for some CPUs (AMD Zen 4 and 5 among them) and falls back to its
 * reference code there. thinc lets a caller plug other functions into a CBlas
 * (`set_saxpy`, `set_sgemm`), with its own argument orders: this module provides them,
 * the sgemm as an adapter to the cblas_sgemm of the OpenBLAS that numpy already
 * loaded, the saxpy as a plain loop the compiler vectorises. No Python is entered on
 * the hot path: the loop runs without the GIL.
 *
 * It also has the row-wise work of the model's "maxout >> layer norm" layers (see
 * inference.py): the matrix product into a buffer numpy does not zero first, then the
 * bias, the best piece and the normalisation of each row while the row is in cache.
 * Every value is computed by the same float32 operations in the same order as numpy
 * computes them (its pairwise summation included), so the outputs are bit-identical;
 * the build turns off contraction into fused multiply-adds for that reason. The one
 * exception is the bfloat16 products below, used only where chosen.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef void (*cblas_sgemm_lp64)(int, int, int, int32_t, int32_t, int32_t, float, const float *,
                                 int32_t, const float *, int32_t, float, float *, int32_t);
typedef void (*cblas_sgemm_ilp64)(int, int, int, int64_t, int64_t, int64_t, float, const float *,
                                  int64_t, const float *, int64_t, float, float *, int64_t);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static cblas_sgemm_lp64 target_lp64 = NULL;
static cblas_sgemm_ilp64 target_ilp64 = NULL;

/* thinc's sgemm_ptr: (bint transA, bint transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc),
 * row-major. */
static void thinc_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                        int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    int ta = trans_a ? TRANS : NO_TRANS, tb = trans_b ? TRANS : NO_TRANS;
    if (target_ilp64 != NULL)
        target_ilp64(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    else
        target_lp64(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* thinc's saxpy_ptr: y += alpha * x over n elements with the given strides (BLAS
 * semantics: a negative stride walks the vector from its end). */
static void thinc_saxpy(int n, float alpha, const float *x, int incx, float *y, int incy) {
    if (n <= 0)
        return;
    if (incx == 1 && incy == 1) {
        for (int i = 0; i < n; i++)
            y[i] += alpha * x[i];
        return;
    }
    Py_ssize_t ix = incx < 0 ? (Py_ssize_t)(1 - n) * incx : 0;
    Py_ssize_t iy = incy < 0 ? (Py_ssize_t)(1 - n) * incy : 0;
    for (int i = 0; i < n; i++, ix += incx, iy += incy)
        y[iy] += alpha * x[ix];
}

/* numpy's pairwise summation of float32 (loops_utils.h.src: pairwise_sum), same order. */
static float pairwise_sum(const float *a, Py_ssize_t n) {
    if (n < 8) {
        float res = -0.0f;
        for (Py_ssize_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        float r[8];
        Py_ssize_t i;
        for (int k = 0; k < 8; k++)
            r[k] = a[k];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int k = 0; k < 8; k++)
                r[k] += a[i + k];
        float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

static int float_buffer(Py_buffer *buf, Py_ssize_t count, const char *name) {
    if (buf->len != count * (Py_ssize_t)sizeof(float)) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes, expected %zd float32 values", name, buf->len,
                     count);
        return 0;
    }
    return 1;
}

/* matmul_nt(X, W, Y, rows, n_in, n_out): Y = X @ W.T for row-major float32 X (rows x n_in),
 * W (n_out x n_in), Y (rows x n_out), by cblas_sgemm with the arguments numpy's dot gives it
 * for the same operands (so the same kernels and results), without numpy's zeroing of Y. */
static PyObject *matmul_nt(PyObject *self, PyObject *args) {
    Py_buffer x, w, y;
    Py_ssize_t rows, n_in, n_out;
    if (target_lp64 == NULL && target_ilp64 == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "no cblas_sgemm set: call sgemm() first");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*y*w*nnn", &x, &w, &y, &rows, &n_in, &n_out))
        return NULL;
    PyObject *result = NULL;
    if (rows < 0 || n_in < 1 || n_out < 0) {
        /* BLAS rejects a leading dimension of 0 and would leave Y unwritten */
        PyErr_SetString(PyExc_ValueError, "matmul_nt: needs rows >= 0, n_in >= 1, n_out >= 0");
    } else if (float_buffer(&x, rows * n_in, "X") && float_buffer(&w, n_out * n_in, "W") &&
        float_buffer(&y, rows * n_out, "Y")) {
        if (target_lp64 != NULL && (rows > INT32_MAX || n_in > INT32_MAX || n_out > INT32_MAX)) {
            PyErr_SetString(PyExc_OverflowError, "matrix too large for a 32-bit BLAS");
        } else {
            if (rows > 0 && n_out > 0) { /* an empty Y needs no product */
                Py_BEGIN_ALLOW_THREADS;
                if (target_ilp64 != NULL)
                    target_ilp64(ROW_MAJOR, NO_TRANS, TRANS, rows, n_out, n_in, 1.0f, x.buf, n_in,
                                 w.buf, n_in, 0.0f, y.buf, n_out);
                else
                    target_lp64(ROW_MAJOR, NO_TRANS, TRANS, (int32_t)rows, (int32_t)n_out,
                                (int32_t)n_in, 1.0f, x.buf, (int32_t)n_in, w.buf, (int32_t)n_in,
                                0.0f, y.buf, (int32_t)n_out);
                Py_END_ALLOW_THREADS;
            }
            result = Py_NewRef(Py_None);
        }
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&w);
    PyBuffer_Release(&y);
    return result;
}

/* maxout_centre(Y, bias, n_pieces, out, var): for each row of Y (rows x n_pieces*n_out,
 * pieces piece-major), out = the best piece of Y + bias, centred on its mean, and var = the
 * mean of its squares + 1e-8: numpy's "Y += bias; best = maximum(...); mean = best.sum(1) /
 * n_out; centred = best - mean; var = square(centred).sum(1) / n_out; var += 1e-08". */
static PyObject *maxout_centre(PyObject *self, PyObject *args) {
    Py_buffer y, bias, out, var;
    Py_ssize_t n_pieces;
    if (!PyArg_ParseTuple(args, "y*y*nw*w*", &y, &bias, &n_pieces, &out, &var))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t rows = var.len / (Py_ssize_t)sizeof(float);
    Py_ssize_t n_out = rows > 0 ? out.len / (Py_ssize_t)sizeof(float) / rows : 0;
    float *square = NULL;
    if (n_pieces < 1 || rows < 1 || n_out < 1) {
        PyErr_SetString(PyExc_ValueError, "maxout_centre: empty input or no pieces");
    } else if (float_buffer(&out, rows * n_out, "out") &&
               float_buffer(&y, rows * n_out * n_pieces, "Y") &&
               float_buffer(&bias, n_out * n_pieces, "bias")) {
        square = PyMem_RawMalloc((size_t)n_out * sizeof(float));
        if (square == NULL) {
            PyErr_NoMemory();
        } else {
            const float *yv = y.buf, *bv = bias.buf;
            float *ov = out.buf, *vv = var.buf;
            const float width = (float)n_out;
            Py_BEGIN_ALLOW_THREADS;
            const size_t width_n = (size_t)n_out, pieces = (size_t)n_pieces;
            for (size_t r = 0; r < (size_t)rows; r++) {
                const float *yr = yv + r * width_n * pieces;
                float *o = ov + r * width_n;
                for (size_t j = 0; j < width_n; j++)
                    o[j] = yr[j] + bv[j];
                for (size_t p = 1; p < pieces; p++) {
                    const float *yp = yr + p * width_n, *bp = bv + p * width_n;
                    for (size_t j = 0; j < width_n; j++) {
                        float a = o[j], v = yp[j] + bp[j];
                        o[j] = (a >= v || a != a) ? a : v; /* numpy.maximum, NaN included */
                    }
                }
                float mean = pairwise_sum(o, n_out) / width;
                for (size_t j = 0; j < width_n; j++) {
                    float c = o[j] - mean;
                    o[j] = c;
                    square[j] = c * c;
                }
                vv[r] = pairwise_sum(square, n_out) / width + 1e-08f;
            }
            Py_END_ALLOW_THREADS;
            result = Py_NewRef(Py_None);
        }
    }
    PyMem_RawFree(square);
    PyBuffer_Release(&y);
    PyBuffer_Release(&bias);
    PyBuffer_Release(&out);
    PyBuffer_Release(&var);
    return result;
}

/* scale_shift(out, scale, G, b): out = out * scale (one per row) * G + b, as numpy's
 * "centred *= var; centred *= G; centred += b" (three roundings). */
static PyObject *scale_shift(PyObject *self, PyObject *args) {
    Py_buffer out, scale, gain, shift;
    if (!PyArg_ParseTuple(args, "w*y*y*y*", &out, &scale, &gain, &shift))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t rows = scale.len / (Py_ssize_t)sizeof(float);
    Py_ssize_t n_out = gain.len / (Py_ssize_t)sizeof(float);
    if (float_buffer(&out, rows * n_out, "out") && float_buffer(&shift, n_out, "b")) {
        float *ov = out.buf;
        const float *sv = scale.buf, *g = gain.buf, *b = shift.buf;
        Py_BEGIN_ALLOW_THREADS;
        for (size_t r = 0; r < (size_t)rows; r++) {
            float *o = ov + r * (size_t)n_out;
            const float s = sv[r];
            for (size_t j = 0; j < (size_t)n_out; j++) {
                float v = o[j] * s;
                v = v * g[j];
                o[j] = v + b[j];
            }
        }
        Py_END_ALLOW_THREADS;
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&out);
    PyBuffer_Release(&scale);
    PyBuffer_Release(&gain);
    PyBuffer_Release(&shift);
    return result;
}

/* ---- bfloat16 products (CPUs with AVX512-BF16) -------------------------------------
 * The model's large products (every token through the "maxout >> layer norm" layers and
 * the parser loop's feature weights) run on the dot-product instruction of AVX512-BF16:
 * inputs rounded to bfloat16 (8 bits of mantissa), products summed in float32, twice the
 * multiply-adds per instruction of float32. Unlike the rest of this module their results
 * are not numpy's (inference.py's model_precision() decides whether they are used); they
 * are the same on every such CPU and for any batch: each output is one fixed sequence of
 * operations on its own row. */
enum { BF16_ROWS = 8, BF16_COLS = 48 }; /* a block of Y: 8 rows x 3 vectors of 16 */
#define BF16_SCRATCH_ROWS BF16_ROWS
/* GCC 10 and Clang 9 were the first with the AVX512-BF16 intrinsics; with an older
 * compiler the module builds without them (and multiplies in float32). */
#if defined(__x86_64__) &&                                                                      \
    ((defined(__clang__) && __clang_major__ >= 9) ||                                            \
     (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 10))
#include <immintrin.h>
#include <string.h>
#define HAVE_BF16_KERNEL 1
#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

/* W (n_out x n_in) as bfloat16 pairs: Wp[k / 2][col] holds W[col][k] and W[col][k + 1]
 * (zero past n_in and n_out); n_pad = n_out rounded up to 16. */
BF16_TARGET static void bf16_pack(const float *w, Py_ssize_t n_out, Py_ssize_t n_in,
                                  Py_ssize_t n_pad, uint32_t *wp) {
    Py_ssize_t pairs = (n_in + 1) / 2;
    memset(wp, 0, sizeof(uint32_t) * (size_t)(pairs * n_pad));
    for (Py_ssize_t col = 0; col < n_out; col++)
        for (Py_ssize_t k = 0; k < n_in; k++) {
            __m128bh h = _mm_cvtneps_pbh(_mm_set_ss(w[col * n_in + k]));
            uint16_t bits;
            memcpy(&bits, &h, sizeof bits);
            ((uint16_t *)&wp[(k / 2) * n_pad + col])[k & 1] = bits;
        }
}

/* One row of X as bfloat16, zero-padded to an even length (the pairs the kernel reads). */
BF16_TARGET static void bf16_row(const float *x, Py_ssize_t n_in, uint16_t *out) {
    Py_ssize_t k = 0;
    for (; k + 32 <= n_in; k += 32) {
        __m512bh b = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + k + 16), _mm512_loadu_ps(x + k));
        _mm512_storeu_si512((void *)(out + k), (__m512i)b);
    }
    for (; k < n_in; k++) {
        __m128bh h = _mm_cvtneps_pbh(_mm_set_ss(x[k]));
        memcpy(&out[k], &h, sizeof out[k]);
    }
    if (n_in & 1)
        out[n_in] = 0;
}

/* Y (rows x n_out) = X (rows x n_in) @ W.T with W packed by bf16_pack; xp: scratch of
 * BF16_ROWS * pairs words. */
BF16_TARGET static void bf16_matmul_nt(const float *x, Py_ssize_t rows, Py_ssize_t n_in,
                                       const uint32_t *wp, Py_ssize_t n_out, Py_ssize_t n_pad,
                                       float *y, uint32_t *xp) {
    Py_ssize_t pairs = (n_in + 1) / 2;
    for (Py_ssize_t r0 = 0; r0 < rows; r0 += BF16_ROWS) {
        Py_ssize_t block_rows = rows - r0 < BF16_ROWS ? rows - r0 : BF16_ROWS;
        for (Py_ssize_t r = 0; r < BF16_ROWS; r++) {
            if (r < block_rows)
                bf16_row(x + (r0 + r) * n_in, n_in, (uint16_t *)(xp + r * pairs));
            else
                memset(xp + r * pairs, 0, sizeof(uint32_t) * (size_t)pairs);
        }
        for (Py_ssize_t c0 = 0; c0 < n_pad; c0 += BF16_COLS) {
            int vectors = (int)((n_pad - c0 < BF16_COLS ? n_pad - c0 : BF16_COLS) / 16);
            __m512 acc[BF16_ROWS][3];
            for (int r = 0; r < BF16_ROWS; r++)
                for (int v = 0; v < 3; v++)
                    acc[r][v] = _mm512_setzero_ps();
            const uint32_t *wcol = wp + c0;
            if (vectors == 3) {
                for (Py_ssize_t kp = 0; kp < pairs; kp++) {
                    const uint32_t *wk = wcol + kp * n_pad;
                    __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)wk);
                    __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(wk + 16));
                    __m512bh b2 = (__m512bh)_mm512_loadu_si512((const void *)(wk + 32));
#pragma GCC unroll 8
                    for (int r = 0; r < BF16_ROWS; r++) {
                        __m512bh a = (__m512bh)_mm512_set1_epi32((int)xp[r * pairs + kp]);
                        acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
                        acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
                        acc[r][2] = _mm512_dpbf16_ps(acc[r][2], a, b2);
                    }
                }
            } else {
                for (Py_ssize_t kp = 0; kp < pairs; kp++)
                    for (int v = 0; v < vectors; v++) {
                        __m512bh b = (__m512bh)_mm512_loadu_si512(
                            (const void *)(wcol + kp * n_pad + 16 * v));
                        for (int r = 0; r < BF16_ROWS; r++) {
                            __m512bh a = (__m512bh)_mm512_set1_epi32((int)xp[r * pairs + kp]);
                            acc[r][v] = _mm512_dpbf16_ps(acc[r][v], a, b);
                        }
                    }
            }
            for (Py_ssize_t r = 0; r < block_rows; r++)
                for (int v = 0; v < vectors; v++) {
                    Py_ssize_t col = c0 + 16 * v;
                    if (col >= n_out)
                        break;
                    Py_ssize_t left = n_out - col;
                    __mmask16 keep = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
                    _mm512_mask_storeu_ps(y + (r0 + r) * n_out + col, keep, acc[r][v]);
                }
        }
    }
}
#endif

static int bf16_supported(void) {
#ifdef HAVE_BF16_KERNEL
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

static PyObject *bf16_available(PyObject *self, PyObject *unused) {
    return PyBool_FromLong(bf16_supported());
}

static Py_ssize_t padded_columns(Py_ssize_t n_out) { return (n_out + 15) / 16 * 16; }

/* pack_bf16(W, Wp, n_out, n_in): W (n_out x n_in float32) into Wp (uint32, at least
 * ceil(n_in / 2) x padded_columns(n_out) words). */
static PyObject *pack_bf16(PyObject *self, PyObject *args) {
    Py_buffer w, wp;
    Py_ssize_t n_out, n_in;
    if (!bf16_supported()) {
        PyErr_SetString(PyExc_RuntimeError, "this CPU has no AVX512-BF16");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*w*nn", &w, &wp, &n_out, &n_in))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t words = (n_in + 1) / 2 * padded_columns(n_out);
    if (n_out < 1 || n_in < 1)
        PyErr_SetString(PyExc_ValueError, "pack_bf16: needs n_out >= 1, n_in >= 1");
    else if (float_buffer(&w, n_out * n_in, "W")) {
        if (wp.len < words * (Py_ssize_t)sizeof(uint32_t))
            PyErr_SetString(PyExc_ValueError, "pack_bf16: Wp too small");
        else {
#ifdef HAVE_BF16_KERNEL
            bf16_pack(w.buf, n_out, n_in, padded_columns(n_out), wp.buf);
#endif
            result = Py_NewRef(Py_None);
        }
    }
    PyBuffer_Release(&w);
    PyBuffer_Release(&wp);
    return result;
}

/* matmul_nt_bf16(X, Wp, Y, rows, n_in, n_out): Y = X @ W.T with W packed by pack_bf16. */
static PyObject *matmul_nt_bf16(PyObject *self, PyObject *args) {
    Py_buffer x, wp, y;
    Py_ssize_t rows, n_in, n_out;
    if (!bf16_supported()) {
        PyErr_SetString(PyExc_RuntimeError, "this CPU has no AVX512-BF16");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*y*w*nnn", &x, &wp, &y, &rows, &n_in, &n_out))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t pairs = (n_in + 1) / 2;
    if (rows < 0 || n_in < 1 || n_out < 1)
        PyErr_SetString(PyExc_ValueError, "matmul_nt_bf16: needs rows >= 0, n_in, n_out >= 1");
    else if (float_buffer(&x, rows * n_in, "X") && float_buffer(&y, rows * n_out, "Y")) {
        if (wp.len < pairs * padded_columns(n_out) * (Py_ssize_t)sizeof(uint32_t))
            PyErr_SetString(PyExc_ValueError, "matmul_nt_bf16: Wp too small");
        else {
            uint32_t *xp = PyMem_RawMalloc(sizeof(uint32_t) * (size_t)(BF16_SCRATCH_ROWS * pairs));
            if (xp == NULL)
                PyErr_NoMemory();
            else {
#ifdef HAVE_BF16_KERNEL
                Py_BEGIN_ALLOW_THREADS;
                bf16_matmul_nt(x.buf, rows, n_in, wp.buf, n_out, padded_columns(n_out), y.buf, xp);
                Py_END_ALLOW_THREADS;
#endif
                PyMem_RawFree(xp);
                result = Py_NewRef(Py_None);
            }
        }
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&wp);
    PyBuffer_Release(&y);
    return result;
}

static PyObject *sgemm(PyObject *self, PyObject *args) {
    unsigned long long address;
    int ilp64;
    if (!PyArg_ParseTuple(args, "Kp", &address, &ilp64))
        return NULL;
    if (address == 0) {
        PyErr_SetString(PyExc_ValueError, "cblas_sgemm address is NULL");
        return NULL;
    }
    if (ilp64) {
        target_ilp64 = (cblas_sgemm_ilp64)(uintptr_t)address;
        target_lp64 = NULL;
    } else {
        target_lp64 = (cblas_sgemm_lp64)(uintptr_t)address;
        target_ilp64 = NULL;
    }
    return PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)&thinc_sgemm);
}

static PyObject *saxpy(PyObject *self, PyObject *unused) {
    return PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)&thinc_saxpy);
}

static PyMethodDef methods[] = {
    {"sgemm", sgemm, METH_VARARGS,
     "sgemm(cblas_sgemm_address, ilp64) -> address of an sgemm with thinc's signature that "
     "calls it (one target per process)."},
    {"saxpy", saxpy, METH_NOARGS, "saxpy() -> address of a saxpy with thinc's signature."},
    {"matmul_nt", matmul_nt, METH_VARARGS,
     "matmul_nt(X, W, Y, rows, n_in, n_out): Y = X @ W.T (float32, row-major) by the sgemm set."},
    {"maxout_centre", maxout_centre, METH_VARARGS,
     "maxout_centre(Y, bias, n_pieces, out, var): best piece per row, centred; var per row."},
    {"scale_shift", scale_shift, METH_VARARGS,
     "scale_shift(out, scale, G, b): out = out * scale[row] * G + b."},
    {"bf16_available", bf16_available, METH_NOARGS,
     "bf16_available() -> whether this CPU runs matmul_nt_bf16 (AVX512-BF16)."},
    {"pack_bf16", pack_bf16, METH_VARARGS,
     "pack_bf16(W, Wp, n_out, n_in): W (float32, n_out x n_in) as the bfloat16 pairs "
     "matmul_nt_bf16 reads; Wp: uint32, ceil(n_in / 2) x (n_out rounded up to 16)."},
    {"matmul_nt_bf16", matmul_nt_bf16, METH_VARARGS,
     "matmul_nt_bf16(X, Wp, Y, rows, n_in, n_out): Y = X @ W.T, inputs rounded to bfloat16, "
     "sums in float32."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blas", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blas(void) { return PyModule_Create(&module); }
