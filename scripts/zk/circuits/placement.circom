// The placement attestation circuit: two committed Poincaré-ball points are within a hyperbolic distance bound.
pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/bitify.circom";

// Statement, with U = round(u 2^F), V = round(v 2^F) and R = 2^(2F):
//   |U|^2 < R, |V|^2 < R, and 2 |U - V|^2 R qd <= qn (R - |U|^2)(R - |V|^2),
// i.e. cosh d(u, v) - 1 = 2|u-v|^2 / ((1-|u|^2)(1-|v|^2)) <= qn / qd (curvature -1, rounded points).
// Widths (F = 32, DIM = 8): each U_i in [-2^F, 2^F) (range check), so |U|^2 < 2^(2F+3),
// |U - V|^2 < DIM 2^(2F+2) = 2^(2F+5); qn, qd < 2^64 (range check).
//   lhs = 2 |U-V|^2 R qd < 2^(1 + 2F+5 + 2F + 64) = 2^198,
//   rhs = qn (R - |U|^2)(R - |V|^2) <= 2^(64 + 2F + 2F) = 2^192 (both room factors in [1, R] once checked),
// all far below p ~ 2^253.6, so no product wraps and rhs - lhs in (-2^198, 2^192]: its sign is read from
// Num2Bits(4F+65) = Num2Bits(193) (a negative difference is p - |diff| > 2^253, which does not fit).
template PlacementAttest(DIM, F) {
    signal input cu;
    signal input cv;
    signal input qn;
    signal input qd;
    signal input U[DIM];
    signal input V[DIM];
    signal input ru;
    signal input rv;

    var R = 2 ** (2 * F);

    // coordinates in [-2^F, 2^F)
    component rangeU[DIM];
    component rangeV[DIM];
    for (var i = 0; i < DIM; i++) {
        rangeU[i] = Num2Bits(F + 1);
        rangeU[i].in <== U[i] + 2 ** F;
        rangeV[i] = Num2Bits(F + 1);
        rangeV[i].in <== V[i] + 2 ** F;
    }
    // the bound's numerator and denominator: positive, below 2^64
    component rangeQn = Num2Bits(64);
    rangeQn.in <== qn;
    component rangeQd = Num2Bits(64);
    rangeQd.in <== qd;
    component qdZero = IsZero();
    qdZero.in <== qd;
    qdZero.out === 0;

    // commitments
    component hu = Poseidon(DIM + 1);
    component hv = Poseidon(DIM + 1);
    for (var i = 0; i < DIM; i++) {
        hu.inputs[i] <== U[i];
        hv.inputs[i] <== V[i];
    }
    hu.inputs[DIM] <== ru;
    hv.inputs[DIM] <== rv;
    cu === hu.out;
    cv === hv.out;

    // squared norms and squared difference
    signal su[DIM];
    signal sv[DIM];
    signal sd[DIM];
    var nU = 0;
    var nV = 0;
    var d2 = 0;
    for (var i = 0; i < DIM; i++) {
        su[i] <== U[i] * U[i];
        sv[i] <== V[i] * V[i];
        sd[i] <== (U[i] - V[i]) * (U[i] - V[i]);
        nU += su[i];
        nV += sv[i];
        d2 += sd[i];
    }

    // inside the ball: R - 1 - |U|^2 in [0, 2^(2F)), so the room R - |U|^2 is in [1, R]
    component insideU = Num2Bits(2 * F);
    insideU.in <== R - 1 - nU;
    component insideV = Num2Bits(2 * F);
    insideV.in <== R - 1 - nV;

    signal roomU <== R - nU;
    signal roomV <== R - nV;
    signal rooms <== roomU * roomV;
    signal rhs <== qn * rooms;
    signal lhs <== 2 * R * d2 * qd;
    component fits = Num2Bits(4 * F + 65);
    fits.in <== rhs - lhs;
}

component main {public [cu, cv, qn, qd]} = PlacementAttest(8, 32);
