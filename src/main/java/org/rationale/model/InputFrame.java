package org.rationale.model;

/**
 * Where a model's input grid lies on an image, in the image's own pixels (pixel edges at whole
 * numbers, the image spanning 0..width × 0..height): the model's W×H grid covers this rectangle
 * evenly. A centre crop gives a rectangle inside the image (its sides cut off), a pad one larger
 * than the image (negative offset on the short side), a resize the whole image.
 */
public record InputFrame(double x, double y, double width, double height) {

    /** Image x of the centre of grid column {@code column} of a grid {@code columns} wide. */
    public double imageX(int column, int columns) {
        return x + (column + 0.5) * width / columns;
    }

    /** Image y of the centre of grid row {@code row} of a grid {@code rows} high. */
    public double imageY(int row, int rows) {
        return y + (row + 0.5) * height / rows;
    }

    /** Grid column (continuous; centres at whole numbers) of image x, for a grid {@code columns} wide. */
    public double gridX(double imageX, int columns) {
        return (imageX - x) * columns / width - 0.5;
    }

    /** Grid row (continuous; centres at whole numbers) of image y, for a grid {@code rows} high. */
    public double gridY(double imageY, int rows) {
        return (imageY - y) * rows / height - 0.5;
    }
}
