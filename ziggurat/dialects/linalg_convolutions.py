"""The table's convolutions: plain, channelled (1-D to 3-D) and depthwise.

Each row is an op (see `linalg_opdsl` for the language): a window dimension
reads the input at `out * stride + kernel * dilation`, with `S<i>`/`D<i>`
entry `i` of the op's `strides`/`dilations`; inputs are cast to the output
element type before the multiply, as in MLIR.
"""

from __future__ import annotations

from ziggurat.dialects.linalg_opdsl import NamedOpSpec as Op

MAC = "O + cast(I) * cast(K)"

W1 = "ow*S0 + kw*D0"
"""The input subscript of a 1-D window."""
H2, W2 = "oh*S0 + kh*D0", "ow*S1 + kw*D1"
"""The input subscripts of a 2-D window."""
D3, H3, W3 = "od*S0 + kd*D0", "oh*S1 + kh*D1", "ow*S2 + kw*D2"
"""The input subscripts of a 3-D window."""

# fmt: off
CONVOLUTIONS = (
    # No channels, no strides: O(ow) += I(ow + kw) * K(kw).
    Op("conv_1d", "ow kw", ("I(ow + kw)", "K(kw)"), "O(ow)", MAC, "1-D convolution, no channels"),
    Op("conv_2d", "oh ow kh kw", ("I(oh + kh, ow + kw)", "K(kh, kw)"), "O(oh, ow)", MAC,
       "2-D convolution, no channels"),
    Op("conv_3d", "od oh ow kd kh kw", ("I(od + kd, oh + kh, ow + kw)", "K(kd, kh, kw)"),
       "O(od, oh, ow)", MAC, "3-D convolution, no channels"),
    # Batched, with channels.
    Op("conv_1d_nwc_wcf", "n ow f kw c", (f"I(n, {W1}, c)", "K(kw, c, f)"), "O(n, ow, f)",
       MAC, "1-D convolution, input NWC, kernel WCF", window=1),
    Op("conv_1d_ncw_fcw", "n f ow c kw", (f"I(n, c, {W1})", "K(f, c, kw)"), "O(n, f, ow)",
       MAC, "1-D convolution, input NCW, kernel FCW", window=1),
    Op("conv_2d_nhwc_hwcf", "n oh ow f kh kw c", (f"I(n, {H2}, {W2}, c)", "K(kh, kw, c, f)"),
       "O(n, oh, ow, f)", MAC, "2-D convolution, input NHWC, kernel HWCF", window=2),
    Op("conv_2d_nhwc_fhwc", "n oh ow f kh kw c", (f"I(n, {H2}, {W2}, c)", "K(f, kh, kw, c)"),
       "O(n, oh, ow, f)", MAC, "2-D convolution, input NHWC, kernel FHWC", window=2),
    Op("conv_2d_nchw_fchw", "n f oh ow c kh kw", (f"I(n, c, {H2}, {W2})", "K(f, c, kh, kw)"),
       "O(n, f, oh, ow)", MAC, "2-D convolution, input NCHW, kernel FCHW", window=2),
    Op("conv_2d_ngchw_fgchw", "n g fg oh ow c kh kw",
       (f"I(n, g, c, {H2}, {W2})", "K(fg, g, c, kh, kw)"), "O(n, g, fg, oh, ow)", MAC,
       "grouped 2-D convolution, input NGCHW, kernel FGCHW", window=2),
    Op("conv_3d_ndhwc_dhwcf", "n od oh ow f kd kh kw c",
       (f"I(n, {D3}, {H3}, {W3}, c)", "K(kd, kh, kw, c, f)"), "O(n, od, oh, ow, f)", MAC,
       "3-D convolution, input NDHWC, kernel DHWCF", window=3),
    Op("conv_3d_ncdhw_fcdhw", "n f od oh ow c kd kh kw",
       (f"I(n, c, {D3}, {H3}, {W3})", "K(f, c, kd, kh, kw)"), "O(n, f, od, oh, ow)", MAC,
       "3-D convolution, input NCDHW, kernel FCDHW", window=3),
    # Depthwise: one filter per input channel (multiplier m where the name ends in m).
    Op("depthwise_conv_1d_nwc_wc", "n ow ic kw", (f"I(n, {W1}, ic)", "K(kw, ic)"),
       "O(n, ow, ic)", MAC, "depthwise 1-D convolution, input NWC, kernel WC", window=1),
    Op("depthwise_conv_1d_ncw_cw", "n ow ic kw", (f"I(n, ic, {W1})", "K(ic, kw)"),
       "O(n, ic, ow)", MAC, "depthwise 1-D convolution, input NCW, kernel CW", window=1),
    Op("depthwise_conv_1d_nwc_wcm", "n ow ic cm kw", (f"I(n, {W1}, ic)", "K(kw, ic, cm)"),
       "O(n, ow, ic, cm)", MAC, "depthwise 1-D convolution with multiplier", window=1),
    Op("depthwise_conv_2d_nhwc_hwc", "n oh ow ic kh kw", (f"I(n, {H2}, {W2}, ic)", "K(kh, kw, ic)"),
       "O(n, oh, ow, ic)", MAC, "depthwise 2-D convolution, input NHWC, kernel HWC", window=2),
    Op("depthwise_conv_2d_nchw_chw", "n oh ow ic kh kw", (f"I(n, ic, {H2}, {W2})", "K(ic, kh, kw)"),
       "O(n, ic, oh, ow)", MAC, "depthwise 2-D convolution, input NCHW, kernel CHW", window=2),
    Op("depthwise_conv_2d_nhwc_hwcm", "n oh ow ic cm kh kw",
       (f"I(n, {H2}, {W2}, ic)", "K(kh, kw, ic, cm)"), "O(n, oh, ow, ic, cm)", MAC,
       "depthwise 2-D convolution with multiplier", window=2),
    Op("depthwise_conv_3d_ndhwc_dhwc", "n od oh ow kd kh kw ic",
       (f"I(n, {D3}, {H3}, {W3}, ic)", "K(kd, kh, kw, ic)"), "O(n, od, oh, ow, ic)", MAC,
       "depthwise 3-D convolution, input NDHWC, kernel DHWC", window=3),
    Op("depthwise_conv_3d_ncdhw_cdhw", "n od oh ow kd kh kw ic",
       (f"I(n, ic, {D3}, {H3}, {W3})", "K(ic, kd, kh, kw)"), "O(n, ic, od, oh, ow)", MAC,
       "depthwise 3-D convolution, input NCDHW, kernel CDHW", window=3),
    Op("depthwise_conv_3d_ndhwc_dhwcm", "n od oh ow cm kd kh kw ic",
       (f"I(n, {D3}, {H3}, {W3}, ic)", "K(kd, kh, kw, ic, cm)"), "O(n, od, oh, ow, ic, cm)",
       MAC, "depthwise 3-D convolution with multiplier", window=3),
)
# fmt: on
