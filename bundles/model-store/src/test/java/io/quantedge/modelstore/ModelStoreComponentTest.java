package io.quantedge.modelstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.store.ModelStoreEvent;
import io.quantedge.api.store.ModelStoreEvent.Type;
import io.quantedge.api.store.ModelStoreListener;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/** The service form: the store under the data folder, and every listener told of every event in order. */
class ModelStoreComponentTest {

    @TempDir
    Path work;

    @Test
    void listenersHearEveryEventInOrderEvenWhenAnotherListenerFails() throws Exception {
        StorePackages fixture = new StorePackages(work.resolve("packages"));
        ModelStoreComponent component = new ModelStoreComponent(stub(Logger.class, Map.of()), fixture.packages,
                stub(ModelStoreOptions.class, Map.of("minFreeMb", 0L)),
                stub(BundleContext.class, Map.of("getProperty", work.resolve("data").toString())));
        List<ModelStoreEvent> heard = new CopyOnWriteArrayList<>();
        component.addListener(event -> {
            throw new IllegalStateException("a broken listener");
        });
        ModelStoreListener listener = heard::add;
        component.addListener(listener);
        try {
            for (String version : List.of("1", "2")) {
                component.stage(fixture.write("cam", version));
                component.markValidated("cam", version);
                component.activate("cam", version);
            }
            component.rollback("cam", "health window");
            long deadline = System.currentTimeMillis() + 5_000;
            while (heard.size() < 7 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(Type.STAGED, Type.VALIDATED, Type.ACTIVATED, Type.STAGED, Type.VALIDATED,
                    Type.ACTIVATED, Type.ROLLED_BACK), heard.stream().map(ModelStoreEvent::type).toList());
            assertTrue(component.active("cam").orElseThrow().path().startsWith(work.resolve("data/models/cam")),
                    "the store is the data folder's models folder");
        } finally {
            component.removeListener(listener);
            component.stop();
        }
    }

    @Test
    void theFolderIsTheConfiguredOneElseTheDataFoldersModels() {
        assertEquals(Path.of("/srv/models"), ModelStoreComponent.directory("/srv/models", "/var/lib/quantedge"));
        assertEquals(Path.of("/var/lib/quantedge/models"), ModelStoreComponent.directory("", "/var/lib/quantedge"));
        assertEquals(Path.of("data/models"), ModelStoreComponent.directory("", null));
    }

    /**
     * An interface answering {@code answers} by method name, else its annotation default (for
     * Metatype options), else nothing: a stand-in for the framework's Logger, BundleContext and
     * ConfigAdmin-made options, which these tests do not exercise.
     */
    @SuppressWarnings("unchecked")
    static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (answers.containsKey(method.getName())) {
                return answers.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            if (method.getReturnType() == boolean.class) {
                return false;
            }
            return method.getReturnType().isPrimitive() ? 0 : null;
        });
    }
}
