package io.siyu.functions.admin;

/** The admin handler as deployed (public constructor), for route tests in other packages. */
public final class AdminHandlers {
    private AdminHandlers() {}

    public static AdminHandler deployed() {
        return new AdminHandler();
    }
}
