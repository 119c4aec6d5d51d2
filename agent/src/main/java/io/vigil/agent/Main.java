package io.vigil.agent;
public final class Main { public static void main(String[] a) { } }
