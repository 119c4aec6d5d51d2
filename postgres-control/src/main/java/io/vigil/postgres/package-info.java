package io.vigil.postgres;
