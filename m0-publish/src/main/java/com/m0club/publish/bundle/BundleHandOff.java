package com.m0club.publish.bundle;

/**
 * Where the bundler hands a signed bundle on: the app publishes the reference on {@code m0.bundles}, keyed by
 * {@link BundleRef#key()}. Called only after the bundle is stored SIGNED, so a lost hand-off is found again by the
 * submitter's resume pass.
 */
@FunctionalInterface
public interface BundleHandOff {
    void handOff(BundleRef ref);
}
