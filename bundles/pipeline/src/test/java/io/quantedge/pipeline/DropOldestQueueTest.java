package io.quantedge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DropOldestQueueTest {

    @Test
    void dropsTheOldestAndCountsIt() throws Exception {
        DropOldestQueue<Integer> queue = new DropOldestQueue<>(3);
        for (int i = 1; i <= 3; i++) {
            assertTrue(queue.offer(i));
        }
        assertFalse(queue.offer(4));
        assertFalse(queue.offer(5));
        assertEquals(2, queue.dropped());
        assertEquals(5, queue.offered());
        assertEquals(3, queue.size());
        assertEquals(3, queue.poll(0, TimeUnit.MILLISECONDS));
        assertEquals(4, queue.poll(0, TimeUnit.MILLISECONDS));
        assertEquals(5, queue.poll(0, TimeUnit.MILLISECONDS));
        assertNull(queue.poll(10, TimeUnit.MILLISECONDS));
    }

    @Test
    void aWaitingTakerWakesOnOffer() throws Exception {
        DropOldestQueue<String> queue = new DropOldestQueue<>(1);
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            queue.offer("frame");
        });
        producer.start();
        assertEquals("frame", queue.poll(10, TimeUnit.SECONDS));
        producer.join();
    }
}
