/**
 * Player segments as rules: a readable text form and an equivalent JSON form that parse to the
 * same {@link dev.herald.segmentation.Condition tree}, type-checked against an
 * {@link dev.herald.segmentation.AttributeCatalogue}, compiled once and evaluated either for one
 * player (triggers) or in bulk over a columnar {@link dev.herald.segmentation.PlayerIndex}
 * (campaigns and audience previews).
 *
 * <p>Start at {@link dev.herald.segmentation.Segmentation}, which also implements
 * {@link dev.herald.spi.AudienceResolver}. The rule language is described in
 * {@code docs/segments.md}.
 *
 * <p><b>Beta.</b> Everything in this package may still change in incompatible ways before Herald
 * 1.0: the rule language is stable in meaning, but the Java types around it are young. The
 * {@code internal} sub-package is never public API.
 */
package dev.herald.segmentation;
