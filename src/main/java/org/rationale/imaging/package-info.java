/**
 * Image coding: decodes uploaded images (PNG, JPEG) to 8-bit gray or RGB pixels and stores pixels
 * losslessly as PNG with a fast encoder. Owns no table and depends on no capability package; datasets,
 * models and saliency overlays use it.
 */
package org.rationale.imaging;
