package io.vigil.agent;
