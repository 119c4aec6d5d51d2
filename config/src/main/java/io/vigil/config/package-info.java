package io.vigil.config;
