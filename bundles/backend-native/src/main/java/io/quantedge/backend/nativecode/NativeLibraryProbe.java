package io.quantedge.backend.nativecode;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Loads the native library when the bundle starts and, only if that works, enables
 * {@link NativeBackend}. A service component is registered before it is activated, so a backend
 * that checked for its library in its own constructor would already be visible to the engine on a
 * machine where it cannot work; enabling it from here keeps it unregistered there instead.
 */
@Component(immediate = true)
public final class NativeLibraryProbe {

    private static final System.Logger LOG = System.getLogger(NativeLibraryProbe.class.getName());

    @Activate
    public NativeLibraryProbe(ComponentContext context) {
        try {
            NativeLibrary.load();
        } catch (UnsatisfiedLinkError e) {
            LOG.log(System.Logger.Level.INFO, "native kernels not available, backend not registered: {0}",
                    e.getMessage());
            return;
        }
        context.enableComponent(NativeBackend.class.getName());
    }
}
