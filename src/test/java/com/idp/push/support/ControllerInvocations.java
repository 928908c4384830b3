package com.idp.push.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Records which probe requests reached a controller method: a request that carries {@link #HEADER} is
 * noted with its value when Spring MVC hands it to a {@link HandlerMethod}. Part of every
 * {@link IntegrationTest} context, so it adds no context of its own; only requests that opt in are noted.
 */
public final class ControllerInvocations {

    public static final String HEADER = "X-Test-Probe";
    private static final Set<String> reached = ConcurrentHashMap.newKeySet();

    private ControllerInvocations() {
    }

    /** Whether the probe request tagged {@code probe} reached a controller. */
    public static boolean reached(String probe) {
        return reached.contains(probe);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Recorder {

        @Bean
        WebMvcConfigurer controllerInvocationRecorder() {
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(new HandlerInterceptor() {
                        @Override
                        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                            String probe = request.getHeader(HEADER);
                            if (probe != null && handler instanceof HandlerMethod) {
                                reached.add(probe);
                            }
                            return true;
                        }
                    });
                }
            };
        }
    }
}
