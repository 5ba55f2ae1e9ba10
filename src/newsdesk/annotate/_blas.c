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
 * the build turns off contraction into fused multiply-adds for that reason.
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
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blas", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blas(void) { return PyModule_Create(&module); }
