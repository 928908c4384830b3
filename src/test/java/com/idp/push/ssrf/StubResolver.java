package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server under the test's control: each host answers its scripted answers in order (the last
 * repeats), unknown hosts fail, and every lookup is counted.
 */
final class StubResolver implements HostResolver {

    private final Map<String, Deque<List<InetAddress>>> answers = new ConcurrentHashMap<>();
    private final List<String> lookups = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Scripts {@code host}: each argument is one answer, addresses separated by commas. */
    StubResolver answer(String host, String... answersInOrder) {
        Deque<List<InetAddress>> queue = new ArrayDeque<>();
        for (String answer : answersInOrder) {
            List<InetAddress> addresses = new ArrayList<>();
            for (String address : answer.split(",")) {
                addresses.add(address(host, address.trim()));
            }
            queue.add(List.copyOf(addresses));
        }
        answers.put(host, queue);
        return this;
    }

    int lookups(String host) {
        return (int) lookups.stream().filter(host::equals).count();
    }

    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        lookups.add(host);
        Deque<List<InetAddress>> queue = answers.get(host);
        if (queue == null) {
            return CompletableFuture.failedFuture(new UnknownHostException(host + ": NXDOMAIN"));
        }
        synchronized (queue) {
            return CompletableFuture.completedFuture(queue.size() > 1 ? queue.poll() : queue.peek());
        }
    }

    private static InetAddress address(String host, String literal) {
        try {
            return InetAddress.getByAddress(host, ((IpLiterals.Literal) IpLiterals.classify(literal)).address().getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
