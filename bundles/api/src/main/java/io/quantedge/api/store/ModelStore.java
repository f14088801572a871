package io.quantedge.api.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/** The versions of models installed on this gateway, and which one of each is active. */
@ProviderType
public interface ModelStore {

    Set<String> modelNames();

    /** The active version of {@code name}, if one is. */
    Optional<StoredModel> active(String name);

    /** Every kept version of {@code name}, oldest first. */
    List<StoredModel> versions(String name);
}
