package org.rationale.dataset;

/**
 * Told how far an import has got: first while the images' headers are checked, then while samples
 * are decoded and stored. Called on the importing thread, often: listeners keep it short.
 */
@FunctionalInterface
public interface ImportProgress {

    /** Nobody is listening. */
    ImportProgress NONE = (stage, done, total) -> { };

    /** What an import is doing. */
    enum Stage {
        /** Reading each image's header and checking the layout and the limits; nothing is stored yet. */
        CHECKING,
        /** Decoding images and storing them as samples. */
        STORING
    }

    /**
     * @param done  items of this stage finished
     * @param total items of this stage in all, or -1 when not known
     */
    void update(Stage stage, long done, long total);
}
